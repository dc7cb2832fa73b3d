// READDIRPLUS: the directory's entries, each with the entry (node id, attributes) a LOOKUP would give.
package io.github.fusespringboot.mount.bridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.github.fusespringboot.mount.protocol.Replies;

/**
 * Turns plain {@code fuse_dirent}s (what the filler collected) into {@code fuse_direntplus}es: a
 * {@code fuse_entry_out} and the dirent. Each entry but "." and ".." is looked up as LOOKUP does
 * (getattr, one more reference to its node); one whose getattr fails gets node id 0, which the
 * kernel takes as a bare name. Entries are added only while they fit, so the kernel receives every
 * reference counted here.
 */
final class ReaddirPlus {

    /** Where {@code fuse_attr} starts in {@code fuse_entry_out}, and its {@code mode} in it. */
    private static final int ATTR_AT = 40;

    private static final int ATTR_MODE = 60;

    private final FilesystemBridge bridge;

    ReaddirPlus(FilesystemBridge bridge) {
        this.bridge = bridge;
    }

    /**
     * Writes the entries of {@code plain[from, end)} into the reply as direntplus, at most
     * {@code size} bytes; returns the reply's length.
     */
    int convert(Exchange ex, long directory, ByteBuffer plain, int from, int end, int size) {
        ByteBuffer out = ex.out();
        int at = 0;
        for (int entry = from; entry + Replies.DIRENT_NAME_OFFSET <= end;) {
            long ino = plain.getLong(entry);
            long nextOffset = plain.getLong(entry + 8);
            int nameLength = plain.getInt(entry + 16);
            int type = plain.getInt(entry + 20);
            int direntSize = Replies.direntSize(nameLength);
            if (at + Replies.ENTRY_OUT_SIZE + direntSize > size) {
                break;
            }
            byte[] name = ex.nameScratch(nameLength);
            plain.get(entry + Replies.DIRENT_NAME_OFFSET, name, 0, nameLength);
            int written = lookup(ex, directory, name, nameLength, at);
            if (written > 0 && out.getLong(at) != 0) {
                ino = out.getLong(at + ATTR_AT); // attr.ino: the node id, or the filesystem's with use_ino
                type = (out.getInt(at + ATTR_AT + ATTR_MODE) & 0170000) >> 12;
            }
            else {
                clearEntry(out, at);
            }
            at += Replies.ENTRY_OUT_SIZE;
            at += Replies.dirent(out, at, size, ino, nextOffset, type, name, nameLength);
            entry += direntSize;
        }
        return at;
    }

    private int lookup(Exchange ex, long directory, byte[] name, int nameLength, int at) {
        if (isDotOrDotDot(name, nameLength)) {
            return 0;
        }
        String child = new String(name, 0, nameLength, StandardCharsets.UTF_8);
        String path = this.bridge.nodes.childPath(directory, child);
        if (path == null) {
            return 0;
        }
        return this.bridge.entry(ex, directory, child, path, at);
    }

    private static boolean isDotOrDotDot(byte[] name, int nameLength) {
        return (nameLength == 1 && name[0] == '.') || (nameLength == 2 && name[0] == '.' && name[1] == '.');
    }

    private static void clearEntry(ByteBuffer out, int at) {
        for (int i = 0; i < Replies.ENTRY_OUT_SIZE; i += 8) {
            out.putLong(at + i, 0);
        }
    }

}
