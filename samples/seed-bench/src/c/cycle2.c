/*
 * The C reference for the founding cycle, on libfuse2, mounting the way the engine does: per cycle
 * mkdir; open /dev/fuse (O_CLOEXEC); mount(2) "fd=N,rootmode=40000,user_id=0,group_id=0";
 * fuse_kern_chan_new + fuse_new on that descriptor; a thread running fuse_loop; open, read and check
 * /hello through the kernel; umount2; join the loop; fuse_destroy (closes the descriptor); rmdir.
 * Usage: cycle2 ROOT CYCLES WORKERS [multi]. Prints one RESULT line (with phase_us: the mean wall
 * microseconds of mkdir, up = open, mount, fuse_new, the loop's thread and the read, down = umount2,
 * join and fuse_destroy, and rmdir; seed-bench prints the same split); exits 1 on any failure.
 */
#define FUSE_USE_VERSION 26
#define _GNU_SOURCE
#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* exported by libfuse2 (FUSE_2.4) but declared only in its compatibility header */
struct fuse_chan *fuse_kern_chan_new(int fd);

static const char HELLO[] = "Hello World!";

static const char *root;
static int cycles;
static int multithreaded;
static atomic_int next_cycle;
static atomic_int failures;
static atomic_int aborted;
/* summed wall nanoseconds of each phase over all cycles: mkdir, up, down, rmdir */
static atomic_llong phase_ns[4];

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int h_getattr(const char *path, struct stat *st)
{
	memset(st, 0, sizeof *st);
	if (strcmp(path, "/") == 0) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (strcmp(path, "/hello") == 0) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = sizeof HELLO - 1;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int h_open(const char *path, struct fuse_file_info *fi)
{
	(void) fi;
	return strcmp(path, "/hello") == 0 ? 0 : -ENOENT;
}

static int h_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void) fi;
	size_t len = sizeof HELLO - 1;
	if (strcmp(path, "/hello") != 0)
		return -ENOENT;
	if ((size_t) offset >= len)
		return 0;
	if (size > len - offset)
		size = len - offset;
	memcpy(buf, HELLO + offset, size);
	return size;
}

static struct fuse_operations ops = {
	.getattr = h_getattr,
	.open = h_open,
	.read = h_read,
};

static void *loop(void *arg)
{
	struct fuse *f = arg;
	if (multithreaded)
		fuse_loop_mt(f);
	else
		fuse_loop(f);
	return NULL;
}

static int fail(int cycle, const char *what)
{
	if (atomic_fetch_add(&failures, 1) < 10)
		fprintf(stderr, "FAILURE in cycle %d: %s: %s\n", cycle, what, strerror(errno));
	return -1;
}

static int one_cycle(int worker, int cycle)
{
	char dir[4096], file[4200], opts[128], got[64];
	snprintf(dir, sizeof dir, "%s/c%d-%d", root, worker, cycle);
	snprintf(file, sizeof file, "%s/hello", dir);
	long long t0 = now_ns();
	if (mkdir(dir, 0755) != 0)
		return fail(cycle, "mkdir");
	long long t1 = now_ns();
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		rmdir(dir);
		return fail(cycle, "open /dev/fuse");
	}
	snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=%u,group_id=%u", fd, getuid(), getgid());
	if (mount("cycle2:hello", dir, "fuse.cycle2", MS_NOSUID | MS_NODEV, opts) != 0) {
		close(fd);
		rmdir(dir);
		return fail(cycle, "mount");
	}
	char *argv[] = { "cycle2", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_chan *ch = fuse_kern_chan_new(fd);
	struct fuse *f = ch ? fuse_new(ch, &args, &ops, sizeof ops, NULL) : NULL;
	pthread_t thread;
	if (f == NULL || pthread_create(&thread, NULL, loop, f) != 0) {
		umount2(dir, MNT_DETACH);
		rmdir(dir);
		return fail(cycle, "fuse_new / pthread_create");
	}
	/* the connection id (for the abort below) without a request: cached attributes only */
	struct statx root = { 0 };
	statx(AT_FDCWD, dir, AT_STATX_DONT_SYNC, 0, &root);
	int ok = 0;
	int in = open(file, O_RDONLY | O_CLOEXEC);
	if (in >= 0) {
		ssize_t n = read(in, got, sizeof got);
		ok = n == (ssize_t) (sizeof HELLO - 1) && memcmp(got, HELLO, n) == 0;
		close(in);
	}
	if (!ok)
		fail(cycle, "read /hello");
	long long t2 = now_ns();
	if (umount2(dir, 0) != 0) {
		fail(cycle, "umount2");
		umount2(dir, MNT_DETACH);
	}
	/* bounded like the engine: a connection that outlives its unmount (a copy of the mount in another
	 * mount namespace keeps it open) is aborted through fusectl after 10 s, and counted */
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	if (pthread_timedjoin_np(thread, NULL, &deadline) != 0) {
		char abort_path[128];
		snprintf(abort_path, sizeof abort_path, "/sys/fs/fuse/connections/%u/abort", root.stx_dev_minor);
		int a = open(abort_path, O_WRONLY | O_CLOEXEC);
		if (a >= 0) {
			if (write(a, "1", 1) < 0)
				fail(cycle, "abort");
			close(a);
		}
		atomic_fetch_add(&aborted, 1);
		pthread_join(thread, NULL);
	}
	fuse_destroy(f);
	long long t3 = now_ns();
	rmdir(dir);
	long long t4 = now_ns();
	atomic_fetch_add(&phase_ns[0], t1 - t0);
	atomic_fetch_add(&phase_ns[1], t2 - t1);
	atomic_fetch_add(&phase_ns[2], t3 - t2);
	atomic_fetch_add(&phase_ns[3], t4 - t3);
	return ok ? 0 : -1;
}

static void *work(void *arg)
{
	int worker = (int) (long) arg;
	int cycle;
	while ((cycle = atomic_fetch_add(&next_cycle, 1)) < cycles)
		one_cycle(worker, cycle);
	return NULL;
}

int main(int argc, char *argv[])
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s ROOT CYCLES WORKERS [multi]\n", argv[0]);
		return 2;
	}
	root = argv[1];
	cycles = atoi(argv[2]);
	int workers = atoi(argv[3]);
	multithreaded = argc > 4 && strcmp(argv[4], "multi") == 0;
	if (cycles < 1 || workers < 1 || workers > 256) {
		fprintf(stderr, "CYCLES and WORKERS must be at least 1 (WORKERS at most 256)\n");
		return 2;
	}
	/* a wedged cycle must not hang the benchmark: the caller cleans up the mounts left behind */
	alarm(600);
	pthread_t threads[256];
	struct timespec t0, t1;
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int w = 0; w < workers; w++)
		pthread_create(&threads[w], NULL, work, (void *) (long) w);
	for (int w = 0; w < workers; w++)
		pthread_join(threads[w], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &r1);
	double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	double user = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1e6 + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec);
	double sys = (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
	printf("RESULT mode=c-libfuse2 cycles=%d workers=%d loop=%s failures=%d aborted=%d seconds=%.1f cycles_per_s=%.0f "
			"cpu_us_per_cycle=%.0f cpu_user_us=%.0f cpu_sys_us=%.0f phase_us=mkdir:%.0f,up:%.0f,down:%.0f,rmdir:%.0f\n",
			cycles, workers, multithreaded ? "multi" : "single", atomic_load(&failures), atomic_load(&aborted), seconds,
			cycles / seconds, (user + sys) / cycles, user / cycles, sys / cycles,
			atomic_load(&phase_ns[0]) / 1e3 / cycles, atomic_load(&phase_ns[1]) / 1e3 / cycles,
			atomic_load(&phase_ns[2]) / 1e3 / cycles, atomic_load(&phase_ns[3]) / 1e3 / cycles);
	return atomic_load(&failures) == 0 ? 0 : 1;
}
