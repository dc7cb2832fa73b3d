// The go-fuse peer of the throughput benchmark: zerofs3.c's zero/sink filesystem on go-fuse's raw API.
//
// The same files and options as the C reference (src/c/zerofs3.c) and the Java scenario:
//
//	/zero  read-only, 1 TiB of zeros (each read request clears its reply buffer)
//	/sink  writable, size 0, every write accepted and dropped
//
// direct_io on every open (FOPEN_DIRECT_IO) and attribute, entry and negative timeouts 0 (every stat
// is a round trip; a missing name answers ENOENT, which the kernel does not cache).
//
// It implements fuse.RawFileSystem, go-fuse's wire-level interface: the three node ids are fixed
// (1 root, 2 zero, 3 sink) and live as long as the mount, so there is no inode table to keep and
// FORGET has nothing to do. That is go-fuse's fastest honest path; its fs package would add an inode
// tree and locks this filesystem doesn't need. The server keeps go-fuse's defaults (multi-threaded
// readers, async reads, its default background limit) except MaxWrite, set to the most this go-fuse
// version allows (fuse.MAX_KERNEL_WRITE, 128 KiB: 2.1.0 doesn't negotiate max_pages). It mounts with
// go-fuse's own mount(2) (MountOptions.DirectMount; no fusermount), serves in the foreground and
// unmounts on SIGTERM or SIGINT.
//
// Usage: zerofs [-fsname NAME] MOUNTPOINT
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fuse"
)

const (
	rootID   = fuse.FUSE_ROOT_ID
	zeroID   = 2
	sinkID   = 3
	zeroSize = 1 << 40
)

type zeroSinkFs struct {
	fuse.RawFileSystem
}

func attrOf(id uint64, attr *fuse.Attr) bool {
	*attr = fuse.Attr{Ino: id, Blksize: 4096}
	switch id {
	case rootID:
		attr.Mode = syscall.S_IFDIR | 0755
		attr.Nlink = 2
	case zeroID:
		attr.Mode = syscall.S_IFREG | 0444
		attr.Nlink = 1
		attr.Size = zeroSize
	case sinkID:
		attr.Mode = syscall.S_IFREG | 0666
		attr.Nlink = 1
	default:
		return false
	}
	return true
}

func (fs *zeroSinkFs) String() string { return "zerofs" }

func (fs *zeroSinkFs) Lookup(cancel <-chan struct{}, header *fuse.InHeader, name string, out *fuse.EntryOut) fuse.Status {
	var id uint64
	switch {
	case header.NodeId != rootID:
		return fuse.ENOENT
	case name == "zero":
		id = zeroID
	case name == "sink":
		id = sinkID
	default:
		return fuse.ENOENT
	}
	*out = fuse.EntryOut{NodeId: id}
	attrOf(id, &out.Attr)
	return fuse.OK
}

func (fs *zeroSinkFs) GetAttr(cancel <-chan struct{}, input *fuse.GetAttrIn, out *fuse.AttrOut) fuse.Status {
	*out = fuse.AttrOut{}
	if !attrOf(input.NodeId, &out.Attr) {
		return fuse.ENOENT
	}
	return fuse.OK
}

func (fs *zeroSinkFs) SetAttr(cancel <-chan struct{}, input *fuse.SetAttrIn, out *fuse.AttrOut) fuse.Status {
	// a truncate of /sink (an O_TRUNC open) is accepted and changes nothing, as in zerofs3.c
	if input.NodeId != sinkID {
		return fuse.EACCES
	}
	*out = fuse.AttrOut{}
	attrOf(sinkID, &out.Attr)
	return fuse.OK
}

func (fs *zeroSinkFs) Open(cancel <-chan struct{}, input *fuse.OpenIn, out *fuse.OpenOut) fuse.Status {
	switch input.NodeId {
	case zeroID:
		if input.Flags&syscall.O_ACCMODE != syscall.O_RDONLY {
			return fuse.EACCES
		}
	case sinkID:
	default:
		return fuse.ENOENT
	}
	*out = fuse.OpenOut{OpenFlags: fuse.FOPEN_DIRECT_IO}
	return fuse.OK
}

func (fs *zeroSinkFs) Read(cancel <-chan struct{}, input *fuse.ReadIn, buf []byte) (fuse.ReadResult, fuse.Status) {
	if input.NodeId != zeroID || input.Offset >= zeroSize {
		return fuse.ReadResultData(nil), fuse.OK
	}
	n := uint64(len(buf))
	if n > uint64(input.Size) {
		n = uint64(input.Size)
	}
	if n > zeroSize-input.Offset {
		n = zeroSize - input.Offset
	}
	data := buf[:n]
	for i := range data {
		data[i] = 0 // compiled to one memclr, like zerofs3.c's memset
	}
	return fuse.ReadResultData(data), fuse.OK
}

func (fs *zeroSinkFs) Write(cancel <-chan struct{}, input *fuse.WriteIn, data []byte) (uint32, fuse.Status) {
	return uint32(len(data)), fuse.OK
}

func (fs *zeroSinkFs) OpenDir(cancel <-chan struct{}, input *fuse.OpenIn, out *fuse.OpenOut) fuse.Status {
	if input.NodeId != rootID {
		return fuse.ENOTDIR
	}
	*out = fuse.OpenOut{}
	return fuse.OK
}

var entries = []fuse.DirEntry{
	{Name: ".", Ino: rootID, Mode: syscall.S_IFDIR},
	{Name: "..", Ino: rootID, Mode: syscall.S_IFDIR},
	{Name: "zero", Ino: zeroID, Mode: syscall.S_IFREG},
	{Name: "sink", Ino: sinkID, Mode: syscall.S_IFREG},
}

func (fs *zeroSinkFs) ReadDir(cancel <-chan struct{}, input *fuse.ReadIn, out *fuse.DirEntryList) fuse.Status {
	for i := int(input.Offset); i < len(entries); i++ {
		if !out.AddDirEntry(entries[i]) {
			break
		}
	}
	return fuse.OK
}

func (fs *zeroSinkFs) ReadDirPlus(cancel <-chan struct{}, input *fuse.ReadIn, out *fuse.DirEntryList) fuse.Status {
	for i := int(input.Offset); i < len(entries); i++ {
		entry := out.AddDirLookupEntry(entries[i])
		if entry == nil {
			break
		}
		if i >= 2 { // "." and ".." get no entry (node id 0: the kernel doesn't look them up)
			entry.NodeId = entries[i].Ino
			attrOf(entries[i].Ino, &entry.Attr)
		}
	}
	return fuse.OK
}

func main() {
	fsname := flag.String("fsname", "go-fuse-zerofs", "the source shown in the mount table")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: zerofs [-fsname NAME] MOUNTPOINT") }
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	mountPoint := flag.Arg(0)
	server, err := fuse.NewServer(&zeroSinkFs{fuse.NewDefaultRawFileSystem()}, mountPoint, &fuse.MountOptions{
		FsName:           *fsname,
		Name:             "zerofs",
		MaxBackground:    12, // go-fuse's default when it is given no options
		MaxWrite:         fuse.MAX_KERNEL_WRITE,
		DirectMount:      true,
		DirectMountFlags: syscall.MS_NOSUID | syscall.MS_NODEV,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "zerofs: cannot mount on %s: %v\n", mountPoint, err)
		os.Exit(1)
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan struct{})
	go func() {
		server.Serve()
		close(served)
	}()
	select {
	case <-signals:
		if err := server.Unmount(); err != nil {
			fmt.Fprintf(os.Stderr, "zerofs: cannot unmount %s: %v\n", mountPoint, err)
			os.Exit(1)
		}
		<-served
	case <-served: // unmounted from outside
	}
}
