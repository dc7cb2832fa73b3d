// The go-fuse peer of the founding-cycle benchmark: cycle2.c's cycle with go-fuse's mount and server.
//
// Per cycle: mkdir; fuse.NewServer on a tiny hello filesystem (go-fuse's raw API, /hello holding
// "Hello World!") with go-fuse's own mount(2) (MountOptions.DirectMount: it opens /dev/fuse, mounts
// "fd=N,rootmode=40000,user_id=0,group_id=0" and answers INIT before NewServer returns); Serve on a
// goroutine (go-fuse's multi-threaded readers); open, read and check /hello through the kernel with
// plain syscalls, like the C cycle (os.Open would register the file with Go's poller, one more
// request); Unmount (umount2, then it waits for the readers); wait for Serve to close the descriptor;
// rmdir. -wait-mount adds go-fuse's WaitMount after the mount, as its fs.Mount does (its poll hack:
// a lookup, an open and a poll of a magic file).
//
// Usage: cycle [-wait-mount] ROOT CYCLES WORKERS. Prints one RESULT line; exits 1 on any failure.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

var hello = []byte("Hello World!")

const helloID = 2

type helloFs struct {
	fuse.RawFileSystem
}

func (fs *helloFs) String() string { return "cycle" }

func attrOf(id uint64, attr *fuse.Attr) bool {
	*attr = fuse.Attr{Ino: id}
	switch id {
	case fuse.FUSE_ROOT_ID:
		attr.Mode = syscall.S_IFDIR | 0755
		attr.Nlink = 2
	case helloID:
		attr.Mode = syscall.S_IFREG | 0444
		attr.Nlink = 1
		attr.Size = uint64(len(hello))
	default:
		return false
	}
	return true
}

// libfuse's default timeouts (1 s), as cycle2.c has them
func (fs *helloFs) Lookup(cancel <-chan struct{}, header *fuse.InHeader, name string, out *fuse.EntryOut) fuse.Status {
	if header.NodeId != fuse.FUSE_ROOT_ID || name != "hello" {
		return fuse.ENOENT
	}
	*out = fuse.EntryOut{NodeId: helloID}
	out.SetEntryTimeout(time.Second)
	out.SetAttrTimeout(time.Second)
	attrOf(helloID, &out.Attr)
	return fuse.OK
}

func (fs *helloFs) GetAttr(cancel <-chan struct{}, input *fuse.GetAttrIn, out *fuse.AttrOut) fuse.Status {
	*out = fuse.AttrOut{}
	if !attrOf(input.NodeId, &out.Attr) {
		return fuse.ENOENT
	}
	out.SetTimeout(time.Second)
	return fuse.OK
}

func (fs *helloFs) Open(cancel <-chan struct{}, input *fuse.OpenIn, out *fuse.OpenOut) fuse.Status {
	if input.NodeId != helloID {
		return fuse.ENOENT
	}
	*out = fuse.OpenOut{}
	return fuse.OK
}

func (fs *helloFs) Read(cancel <-chan struct{}, input *fuse.ReadIn, buf []byte) (fuse.ReadResult, fuse.Status) {
	if input.NodeId != helloID {
		return nil, fuse.ENOENT
	}
	if input.Offset >= uint64(len(hello)) {
		return fuse.ReadResultData(nil), fuse.OK
	}
	end := input.Offset + uint64(input.Size)
	if end > uint64(len(hello)) {
		end = uint64(len(hello))
	}
	return fuse.ReadResultData(hello[input.Offset:end]), fuse.OK
}

var (
	root           string
	cycles         int64
	waitMount      bool
	nextCycle      atomic.Int64
	failures       atomic.Int64
	aborted        atomic.Int64
	lateReplyCount atomic.Int64
	failReport     sync.Mutex
)

func fail(cycle int64, what string, err error) {
	if failures.Add(1) <= 10 {
		failReport.Lock()
		fmt.Fprintf(os.Stderr, "FAILURE in cycle %d: %s: %v\n", cycle, what, err)
		failReport.Unlock()
	}
}

// lateReplies drops go-fuse's log line for a reply the kernel no longer waits for (a RELEASE still in
// flight when the unmount ends the connection: the C cycle has the same race, silently) and counts it.
type lateReplies struct{}

func (lateReplies) Write(line []byte) (int, error) {
	if bytes.Contains(line, []byte("Write/Writev failed, err: 2=")) {
		lateReplyCount.Add(1)
		return len(line), nil
	}
	return os.Stderr.Write(line)
}

func readHello(file string) error {
	fd, err := syscall.Open(file, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	got := make([]byte, 64)
	n, err := syscall.Read(fd, got)
	if err != nil {
		return err
	}
	if !bytes.Equal(got[:n], hello) {
		return fmt.Errorf("read %q", got[:n])
	}
	return nil
}

func oneCycle(worker int, cycle int64) {
	dir := filepath.Join(root, fmt.Sprintf("go%d-%d", worker, cycle))
	if err := os.Mkdir(dir, 0755); err != nil {
		fail(cycle, "mkdir", err)
		return
	}
	defer os.Remove(dir)
	server, err := fuse.NewServer(&helloFs{fuse.NewDefaultRawFileSystem()}, dir, &fuse.MountOptions{
		FsName:           "go-fuse:hello",
		Name:             "cycle",
		MaxBackground:    12, // go-fuse's default when it is given no options
		DirectMount:      true,
		DirectMountFlags: syscall.MS_NOSUID | syscall.MS_NODEV,
	})
	if err != nil {
		fail(cycle, "mount", err)
		return
	}
	served := make(chan struct{})
	go func() {
		server.Serve()
		close(served)
	}()
	if waitMount {
		if err := server.WaitMount(); err != nil {
			fail(cycle, "WaitMount", err)
		}
	}
	// the connection id (for the abort below) without a request: cached attributes only
	var st unix.Statx_t
	unix.Statx(unix.AT_FDCWD, dir, unix.AT_STATX_DONT_SYNC, 0, &st)
	if err := readHello(filepath.Join(dir, "hello")); err != nil {
		fail(cycle, "read /hello", err)
	}
	unmounted := make(chan error, 1)
	go func() { unmounted <- server.Unmount() }()
	// bounded like the C cycle: a connection that outlives its unmount (a copy of the mount in another
	// mount namespace keeps it open) is aborted through fusectl after 10 s, and counted
	select {
	case err := <-unmounted:
		if err != nil {
			fail(cycle, "unmount", err)
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
		select {
		case <-served:
			return
		case <-time.After(10 * time.Second):
		}
	case <-time.After(10 * time.Second):
	}
	abort := fmt.Sprintf("/sys/fs/fuse/connections/%d/abort", st.Dev_minor)
	if err := os.WriteFile(abort, []byte("1"), 0); err != nil {
		fail(cycle, "abort", err)
	}
	aborted.Add(1)
	<-served
}

func main() {
	log.SetOutput(lateReplies{})
	flag.BoolVar(&waitMount, "wait-mount", false, "call go-fuse's WaitMount after each mount, as fs.Mount does")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: cycle [-wait-mount] ROOT CYCLES WORKERS") }
	flag.Parse()
	if flag.NArg() != 3 {
		flag.Usage()
		os.Exit(2)
	}
	root = flag.Arg(0)
	var err error
	cycles, err = strconv.ParseInt(flag.Arg(1), 10, 64)
	workers, err2 := strconv.Atoi(flag.Arg(2))
	if err != nil || err2 != nil || cycles < 1 || workers < 1 || workers > 256 {
		fmt.Fprintln(os.Stderr, "CYCLES and WORKERS must be at least 1 (WORKERS at most 256)")
		os.Exit(2)
	}
	// a wedged cycle must not hang the benchmark: the caller cleans up the mounts left behind
	time.AfterFunc(600*time.Second, func() {
		fmt.Fprintln(os.Stderr, "cycle: still running after 600 s, giving up")
		os.Exit(1)
	})
	started := time.Now()
	var done sync.WaitGroup
	for w := 0; w < workers; w++ {
		done.Add(1)
		go func(worker int) {
			defer done.Done()
			for {
				cycle := nextCycle.Add(1) - 1
				if cycle >= cycles {
					return
				}
				oneCycle(worker, cycle)
			}
		}(w)
	}
	done.Wait()
	seconds := time.Since(started).Seconds()
	fmt.Printf("RESULT mode=go-fuse cycles=%d workers=%d loop=multi failures=%d aborted=%d late_replies=%d seconds=%.1f cycles_per_s=%.0f\n",
		cycles, workers, failures.Load(), aborted.Load(), lateReplyCount.Load(), seconds, float64(cycles)/seconds)
	if failures.Load() != 0 {
		os.Exit(1)
	}
}
