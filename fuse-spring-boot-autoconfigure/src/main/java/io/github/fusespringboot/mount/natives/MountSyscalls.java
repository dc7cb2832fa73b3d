// The libc entry point for system calls glibc has no wrapper for (statmount, listmount), bound with jnr-ffi.
package io.github.fusespringboot.mount.natives;

import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;

/**
 * {@code syscall(2)} with the four arguments statmount and listmount take. The C function is
 * variadic; on x86_64 and aarch64 integer arguments travel in the same registers either way, and
 * glibc's {@code syscall} only moves registers, so a fixed signature is safe. Public only because
 * jnr-ffi generates its implementation in another class loader; not an API.
 */
public interface MountSyscalls {

    long syscall(long number, Pointer first, Pointer second, @size_t long third, long fourth);

}
