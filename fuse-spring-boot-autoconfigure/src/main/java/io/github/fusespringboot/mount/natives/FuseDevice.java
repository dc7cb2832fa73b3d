// One /dev/fuse descriptor as the protocol engine uses it: a request per read, a reply per writev.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Pointer;

/**
 * Reads requests from and writes replies to a mounted {@code /dev/fuse} descriptor. No libfuse: only
 * libc's {@code read} and {@code writev}. Closing the descriptor is the owner's job ({@link #close()}).
 */
public final class FuseDevice {

    private static final DeviceIo IO = LibraryLoader.create(DeviceIo.class)
        .option(LibraryOption.SaveError, true)
        .load("c");

    /** The FUSE device node. */
    public static final String PATH = "/dev/fuse";

    private static final int F_GETFL = 3;

    private static final int F_SETFL = 4;

    private static final int O_NONBLOCK = 0x800;

    private static final short POLLIN = 0x1;

    /** {@code _IOR(229, 0, uint32_t)}: attaches a new /dev/fuse descriptor to a mounted one's connection. */
    private static final long FUSE_DEV_IOC_CLONE = 0x8004E500L;

    private final int fd;

    private volatile boolean closed;

    public FuseDevice(int fd) {
        this.fd = fd;
    }

    /**
     * A second, blocking descriptor on the connection of the mounted descriptor {@code fd}
     * ({@code FUSE_DEV_IOC_CLONE}, close-on-exec): requests read from it are answered on it; the
     * caller closes it ({@link #close()}) once it holds no request. {@code device} is the device
     * node to open ({@link #PATH}).
     * @throws NativeCallException when the device cannot be opened or the clone is refused
     */
    public static FuseDevice openClone(String device, int fd) {
        int clone = Native.openFuseDevice(device);
        Pointer source = jnr.ffi.Memory.allocateDirect(Native.runtime(), 4, true);
        source.putInt(0, fd);
        if (IO.ioctl(clone, FUSE_DEV_IOC_CLONE, source) != 0) {
            int errno = Native.lastErrno();
            Native.close(clone);
            throw new NativeCallException("ioctl(FUSE_DEV_IOC_CLONE)", errno);
        }
        return new FuseDevice(clone);
    }

    /**
     * Makes reads return {@code -EAGAIN} instead of blocking when no request waits, for a descriptor
     * watched by an {@link EventPoll}.
     * @throws NativeCallException when fcntl fails
     */
    public void nonBlocking() {
        int flags = Native.libc().fcntl(this.fd, F_GETFL, 0);
        if (flags < 0 || Native.libc().fcntl(this.fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            throw new NativeCallException("fcntl(O_NONBLOCK)", Native.lastErrno());
        }
    }

    /**
     * Whether a request waits to be read now: {@code poll} with no timeout, {@code pollfd} 8 bytes
     * of the caller's ({@code struct pollfd}).
     */
    public boolean readable(NativeBuffer pollfd) {
        Pointer p = pollfd.pointer();
        p.putInt(0, this.fd);
        p.putShort(4, POLLIN);
        p.putShort(6, (short) 0);
        return Native.libc().poll(p, 1, 0) > 0 && (p.getShort(6) & POLLIN) != 0;
    }

    /** The descriptor. */
    public int fd() {
        return this.fd;
    }

    /**
     * Reads one request into {@code into}. Returns its length, or a negative errno ({@code -ENODEV}
     * once unmounted, {@code -ECONNABORTED} once aborted, {@code -ENOENT}/{@code -EINTR}/
     * {@code -EAGAIN}: read again).
     */
    public int read(NativeBuffer into) {
        long read = IO.read(this.fd, into.pointer(), into.size());
        if (read < 0) {
            return -Native.lastErrno();
        }
        return (int) read;
    }

    /**
     * Writes one reply: {@code headerLength} bytes of {@code header}, then {@code payloadLength}
     * bytes of {@code payload} from {@code payloadOffset}, in one {@code writev}. Returns 0 or the
     * errno (ENOENT: the kernel dropped the request meanwhile, an interrupt; not an error).
     */
    public int write(ReplyVector vector, NativeBuffer header, int headerLength, NativeBuffer payload,
            int payloadOffset, int payloadLength) {
        // a thread's replies use the same header buffer and mostly the same payload address: only
        // what changed is written into the iovec (each write is a native memory access)
        long headerAddress = header.address();
        if (vector.headerAddress != headerAddress || vector.headerLength != headerLength) {
            vector.iov.putAddress(0, headerAddress);
            vector.iov.putLong(8, headerLength);
            vector.headerAddress = headerAddress;
            vector.headerLength = headerLength;
        }
        int count = 1;
        if (payloadLength > 0) {
            long payloadAddress = payload.address() + payloadOffset;
            if (vector.payloadAddress != payloadAddress) {
                vector.iov.putAddress(16, payloadAddress);
                vector.payloadAddress = payloadAddress;
            }
            if (vector.payloadLength != payloadLength) {
                vector.iov.putLong(24, payloadLength);
                vector.payloadLength = payloadLength;
            }
            count = 2;
        }
        long written = IO.writev(this.fd, vector.iov, count);
        return (written < 0) ? Native.lastErrno() : 0;
    }

    /** Closes the descriptor once; later calls do nothing. */
    public synchronized void close() {
        if (!this.closed) {
            this.closed = true;
            Native.close(this.fd);
        }
    }

    /** A serving thread's {@code struct iovec[2]}, reused for every reply it writes, and what it holds. */
    public static final class ReplyVector {

        private final Pointer iov = jnr.ffi.Memory.allocateDirect(Native.runtime(), 32, true);

        private long headerAddress;

        private long headerLength = -1;

        private long payloadAddress;

        private long payloadLength = -1;

    }

}
