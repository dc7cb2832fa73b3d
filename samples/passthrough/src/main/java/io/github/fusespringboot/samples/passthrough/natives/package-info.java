/**
 * The passthrough sample's only native code: libc calls on the backing directory.
 */
package io.github.fusespringboot.samples.passthrough.natives;
