/**
 * Spring glue around the mount engine: the lifecycle that mounts {@code @FuseFilesystem} beans, the
 * declarations it reads, the descriptor-reservation initializer and the startup failure analyzer.
 */
package io.github.fusespringboot.context;
