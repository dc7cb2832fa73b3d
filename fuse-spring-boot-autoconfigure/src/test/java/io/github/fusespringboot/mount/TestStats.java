// What the tests' small filesystems answer getattr with: a directory, a regular file.
package io.github.fusespringboot.mount;

import ru.serce.jnrfuse.struct.FileStat;

/** Fills a {@code FileStat} the way the tests' filesystems describe their root and their few files. */
public final class TestStats {

    private TestStats() {
    }

    /** A directory, mode 0755, two links; returns 0 (getattr's success). */
    public static int directory(FileStat stat) {
        stat.st_mode.set(FileStat.S_IFDIR | 0755);
        stat.st_nlink.set(2);
        return 0;
    }

    /** A regular file with permission bits {@code mode}, one link; returns 0 (getattr's success). */
    public static int file(FileStat stat, int mode) {
        stat.st_mode.set(FileStat.S_IFREG | mode);
        stat.st_nlink.set(1);
        return 0;
    }

}
