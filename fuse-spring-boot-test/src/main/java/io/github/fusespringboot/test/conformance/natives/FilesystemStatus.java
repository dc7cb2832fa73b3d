// What statfs(2) said about a filesystem, copied out of native memory.
package io.github.fusespringboot.test.conformance.natives;

/** The {@code struct statfs} fields the kit checks. */
public record FilesystemStatus(long type, long blockSize, long blocks, long freeBlocks, long availableBlocks,
        long files, long freeFiles, long nameMax, long fragmentSize) {
}
