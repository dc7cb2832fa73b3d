/**
 * A read-write passthrough filesystem mounted by the starter: a starting point for filesystems of your own.
 */
package io.github.fusespringboot.samples.passthrough;
