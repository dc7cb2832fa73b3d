// The libc calls behind the protocol engine's one event loop: epoll_create1, epoll_ctl, epoll_wait.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;

/**
 * libc's epoll functions; every one sets errno on failure. Public only because jnr-ffi generates its
 * implementation in another class loader.
 */
public interface Epoll {

    int epoll_create1(int flags);

    int epoll_ctl(int epfd, int op, int fd, Pointer event);

    int epoll_wait(int epfd, Pointer events, int maxevents, int timeout);

}
