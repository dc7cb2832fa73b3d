/**
 * The conformance kit: a catalogue of POSIX checks run against a mounted filesystem, grouped by capability.
 */
package io.github.fusespringboot.test.conformance;
