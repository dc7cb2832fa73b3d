/**
 * The hello sample: a web application that mounts two filesystems with {@code @FuseFilesystem}.
 */
package io.github.fusespringboot.samples.hello;
