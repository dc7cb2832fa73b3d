/**
 * Auto-configuration of the mount metrics.
 */
package io.github.fusespringboot.autoconfigure.metrics;
