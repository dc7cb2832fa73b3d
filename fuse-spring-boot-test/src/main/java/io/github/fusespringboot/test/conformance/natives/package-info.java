/**
 * The conformance kit's libc bindings (jnr-ffi): the only code of the kit that touches native memory.
 */
package io.github.fusespringboot.test.conformance.natives;
