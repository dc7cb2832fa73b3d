/**
 * Micrometer metrics of the mounts.
 */
package io.github.fusespringboot.actuate.metrics;
