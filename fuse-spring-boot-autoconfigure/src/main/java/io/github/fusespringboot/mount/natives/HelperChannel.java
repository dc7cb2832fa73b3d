// The pipe and socket pair between us and the helper: made close-on-exec, then read for its output and /dev/fuse.
package io.github.fusespringboot.mount.natives;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The helper's output pipe and (mounts only) its socket pair: created close-on-exec and at 4 or above,
 * then polled until the descriptor has come ({@code recvmsg} of {@code SCM_RIGHTS}) and the output has
 * ended, all by a deadline, after which the child is reaped.
 */
final class HelperChannel {

    // sys/socket.h, fcntl.h, poll.h: x86_64 and aarch64 alike
    private static final int AF_UNIX = 1;

    private static final int SOCK_STREAM = 1;

    private static final int SOCK_CLOEXEC = 0x80000;

    private static final int SOL_SOCKET = 1;

    private static final int SCM_RIGHTS = 1;

    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    private static final short POLLIN = 1;

    private static final int FD_CLOEXEC = 1;

    // sizes with room to spare: struct msghdr is 56, struct iovec 16, a cmsghdr header 16 (LP64)
    private static final int CONTROL_SIZE = 64;

    private static final int MAX_OUTPUT = 16 * 1024;

    private HelperChannel() {
    }

    /**
     * The read and write ends of the output pipe, and our and the helper's ends of the socket pair (-1
     * when no socket is passed).
     */
    record Ends(int outRead, int outWrite, int ours, int theirs) {
    }

    /** Creates the pipe and, to pass a socket, the socket pair; on failure nothing is left open. */
    static Ends open(boolean passSocket) {
        LibC libc = Native.libc();
        int[] pipe = { -1, -1 };
        int[] pair = { -1, -1 };
        try {
            if (libc.pipe2(pipe, Native.O_CLOEXEC) != 0) {
                pipe[0] = -1;
                pipe[1] = -1;
                throw new NativeCallException("pipe2", Native.lastErrno());
            }
            moveUp(pipe, 0);
            moveUp(pipe, 1);
            if (passSocket) {
                if (libc.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
                    pair[0] = -1;
                    pair[1] = -1;
                    throw new NativeCallException("socketpair", Native.lastErrno());
                }
                moveUp(pair, 0);
                moveUp(pair, 1);
            }
        }
        catch (RuntimeException ex) {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
            Native.close(pair[0]);
            Native.close(pair[1]);
            throw ex;
        }
        return new Ends(pipe[0], pipe[1], pair[0], pair[1]);
    }

    /** Moves {@code fds[i]} to 4 or above; on failure it is closed and {@code fds[i]} is -1. */
    private static void moveUp(int[] fds, int i) {
        int fd = fds[i];
        fds[i] = -1;
        fds[i] = Native.moveAboveLowDescriptors(fd);
    }

    /** Receives the descriptor (mounts), drains the output and reaps the child, all by the deadline. */
    static Fusermount.Outcome collect(String helper, int pid, int socket, int outRead, long deadline) {
        LibC libc = Native.libc();
        Runtime runtime = Native.runtime();
        Pointer pollFds = Memory.allocateDirect(runtime, 16, true);
        Pointer buffer = Memory.allocateDirect(runtime, 4096, false);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int received = -1;
        boolean timedOut = false;
        int ours = socket;
        boolean outputOpen = true;
        boolean failed = true;
        int status;
        try {
            while (ours >= 0 || outputOpen) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    timedOut = true;
                    break;
                }
                int count = 0;
                int socketSlot = -1;
                int outputSlot = -1;
                if (ours >= 0) {
                    setPollFd(pollFds, count, ours);
                    socketSlot = count++;
                }
                if (outputOpen) {
                    setPollFd(pollFds, count, outRead);
                    outputSlot = count++;
                }
                int millis = (int) Math.min(Math.max(TimeUnit.NANOSECONDS.toMillis(remaining), 1), 1000);
                int ready = libc.poll(pollFds, count, millis);
                if (ready < 0) {
                    int errno = Native.lastErrno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new NativeCallException("poll", errno);
                }
                if (ready == 0) {
                    continue;
                }
                if (socketSlot >= 0 && pollFds.getShort(8L * socketSlot + 6) != 0) {
                    received = receiveDescriptor(ours);
                    Native.close(ours);
                    ours = -1;
                }
                if (outputSlot >= 0 && pollFds.getShort(8L * outputSlot + 6) != 0) {
                    long n = libc.read(outRead, buffer, 4096);
                    if (n > 0) {
                        if (output.size() < MAX_OUTPUT) {
                            byte[] bytes = new byte[(int) n];
                            buffer.get(0, bytes, 0, bytes.length);
                            output.write(bytes, 0, (int) Math.min(n, MAX_OUTPUT - output.size()));
                        }
                    }
                    else if (n == 0 || Native.lastErrno() != Errno.EINTR) {
                        outputOpen = false;
                    }
                }
            }
            failed = false;
        }
        finally {
            Native.close(ours);
            Native.close(outRead);
            status = HelperReaper.reap(pid, deadline, timedOut || failed);
            if (failed) {
                Native.close(received);
            }
        }
        int exit = -1;
        int signal = 0;
        if (status != Integer.MIN_VALUE) {
            if ((status & 0x7f) == 0) {
                exit = (status >> 8) & 0xff;
            }
            else {
                signal = status & 0x7f;
            }
        }
        return new Fusermount.Outcome(helper, received, exit, signal, output.toString(StandardCharsets.UTF_8),
                timedOut);
    }

    private static void setPollFd(Pointer pollFds, int slot, int fd) {
        pollFds.putInt(8L * slot, fd);
        pollFds.putShort(8L * slot + 4, POLLIN);
        pollFds.putShort(8L * slot + 6, (short) 0);
    }

    /**
     * One {@code recvmsg} with {@code MSG_CMSG_CLOEXEC}: the descriptor is close-on-exec from the moment
     * it exists in this process. Returns it (moved to 4 or above), or -1 when the helper ended without
     * sending one. Extra descriptors (never sent by a real helper) are closed.
     */
    private static int receiveDescriptor(int socket) {
        LibC libc = Native.libc();
        Runtime runtime = Native.runtime();
        Pointer message = Memory.allocateDirect(runtime, 56, true);
        Pointer data = Memory.allocateDirect(runtime, 8, true);
        Pointer vector = Memory.allocateDirect(runtime, 16, true);
        Pointer control = Memory.allocateDirect(runtime, CONTROL_SIZE, true);
        vector.putAddress(0, data.address());
        vector.putLong(8, 1);
        message.putAddress(16, vector.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, CONTROL_SIZE);
        long n;
        do {
            n = libc.recvmsg(socket, message, MSG_CMSG_CLOEXEC);
        }
        while (n < 0 && Native.lastErrno() == Errno.EINTR);
        if (n <= 0) {
            return -1;
        }
        long controlLength = Math.min(message.getLong(40), CONTROL_SIZE);
        int received = -1;
        long at = 0;
        while (at + 16 <= controlLength) {
            long length = control.getLong(at);
            if (length < 16 || at + length > controlLength) {
                break;
            }
            if (control.getInt(at + 8) == SOL_SOCKET && control.getInt(at + 12) == SCM_RIGHTS) {
                for (long i = at + 16; i + 4 <= at + length; i += 4) {
                    int fd = control.getInt(i);
                    if (received < 0) {
                        received = fd;
                    }
                    else {
                        Native.close(fd);
                    }
                }
            }
            at += (length + 7) & ~7L;
        }
        if (received < 0) {
            return -1;
        }
        if (!Native.isCloseOnExec(received)) {
            libc.fcntl(received, Native.F_SETFD, FD_CLOEXEC);
        }
        return Native.moveAboveLowDescriptors(received);
    }

}
