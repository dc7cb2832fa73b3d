/*
 * The C reference for the throughput benchmark: a zero/sink filesystem on libfuse3's high-level API,
 * multi-threaded (fuse_main's default loop), the same files and options as the Java scenario's:
 *   /zero  read-only, 1 TiB of zeros (each read request is one memset of the reply buffer)
 *   /sink  writable, size 0, every write accepted and dropped
 * direct_io on every open (each read(2)/write(2) becomes requests, never the page cache) and the
 * kernel's attribute, entry and negative caches off (every stat is a round trip).
 * Usage: zerofs3 MOUNTPOINT [-o opts] (runs in the foreground; unmount with umount or fusermount3 -u).
 */
#define FUSE_USE_VERSION 35
#include <fuse.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static const off_t ZERO_SIZE = 1LL << 40;

static void *zs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void) conn;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->direct_io = 1;
	return NULL;
}

static int zs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void) fi;
	memset(st, 0, sizeof *st);
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (strcmp(path, "/zero") == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = ZERO_SIZE;
	} else if (strcmp(path, "/sink") == 0) {
		st->st_mode = S_IFREG | 0666;
		st->st_nlink = 1;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int zs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset,
		struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void) offset; (void) fi; (void) flags;
	if (strcmp(path, "/") != 0)
		return -ENOENT;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	filler(buf, "zero", NULL, 0, 0);
	filler(buf, "sink", NULL, 0, 0);
	return 0;
}

static int zs_open(const char *path, struct fuse_file_info *fi)
{
	if (strcmp(path, "/zero") == 0) {
		if ((fi->flags & O_ACCMODE) != O_RDONLY)
			return -EACCES;
	} else if (strcmp(path, "/sink") != 0) {
		return -ENOENT;
	}
	fi->direct_io = 1;
	return 0;
}

static int zs_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void) fi;
	if (strcmp(path, "/zero") != 0 || offset >= ZERO_SIZE)
		return 0;
	if ((off_t) size > ZERO_SIZE - offset)
		size = ZERO_SIZE - offset;
	memset(buf, 0, size);
	return size;
}

static int zs_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void) path; (void) buf; (void) offset; (void) fi;
	return size;
}

static int zs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void) size; (void) fi;
	return strcmp(path, "/sink") == 0 ? 0 : -EACCES;
}

static const struct fuse_operations ops = {
	.init = zs_init,
	.getattr = zs_getattr,
	.readdir = zs_readdir,
	.open = zs_open,
	.read = zs_read,
	.write = zs_write,
	.truncate = zs_truncate,
};

int main(int argc, char *argv[])
{
	return fuse_main(argc, argv, &ops, NULL);
}
