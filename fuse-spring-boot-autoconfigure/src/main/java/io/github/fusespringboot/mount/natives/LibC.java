// The libc calls the engine makes, bound with jnr-ffi. Only this package calls them.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * libc functions used by the engine. Every method sets errno on failure; jnr-ffi saves it and
 * {@code Native.lastErrno()} reads it. Public only because jnr-ffi generates its implementation in
 * another class loader; not an API.
 */
public interface LibC {

    int open(String path, int flags);

    int close(int fd);

    int fcntl(int fd, int cmd, int arg);

    int dup3(int oldFd, int newFd, int flags);

    int pipe2(@Out int[] fds, int flags);

    int mount(String source, String target, String filesystemType, long flags, String data);

    int umount2(String target, int flags);

    @ssize_t
    long read(int fd, Pointer buffer, @size_t long count);

    int statx(int dirFd, String path, int flags, int mask, Pointer buffer);

    int geteuid();

    int getegid();

    int getpid();

    int socketpair(int domain, int type, int protocol, @Out int[] fds);

    @ssize_t
    long recvmsg(int fd, Pointer message, int flags);

    int poll(Pointer fds, @size_t long count, int timeoutMillis);

    int waitpid(int pid, @Out int[] status, int options);

    int kill(int pid, int signal);

    // posix_spawn returns an error number instead of setting errno
    int posix_spawn(@Out int[] pid, String path, Pointer fileActions, Pointer attributes, Pointer argv, Pointer envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

    int sigemptyset(Pointer signals);

    int sigfillset(Pointer signals);

    /** For {@link DataPointer}: fills engine memory (an address from a direct buffer); sets no errno. */
    long memset(long address, int value, @size_t long count);

}
