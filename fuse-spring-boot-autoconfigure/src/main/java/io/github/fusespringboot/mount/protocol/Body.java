// A bounds-checked little-endian cursor over one request's body.
package io.github.fusespringboot.mount.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of a request body in order. Every read is checked against the body's end, so a
 * short or lying request ends in {@link MalformedRequestException}, never in reading past it.
 * Mutable and reused per serving thread.
 */
public final class Body {

    private ByteBuffer buffer;

    private int position;

    private int end;

    private byte[] scratch = new byte[256];

    /** Points the cursor at {@code buffer[start, end)}. */
    public Body reset(ByteBuffer buffer, int start, int end) {
        this.buffer = buffer;
        this.position = start;
        this.end = end;
        return this;
    }

    /** Where the next field starts. */
    public int position() {
        return this.position;
    }

    /** Bytes left in the body. */
    public int remaining() {
        return this.end - this.position;
    }

    private void require(int bytes) {
        if (bytes < 0 || this.end - this.position < bytes) {
            throw new MalformedRequestException("body needs " + bytes + " more bytes, has " + remaining());
        }
    }

    public int u32() {
        require(4);
        int value = this.buffer.getInt(this.position);
        this.position += 4;
        return value;
    }

    public long u64() {
        require(8);
        long value = this.buffer.getLong(this.position);
        this.position += 8;
        return value;
    }

    public Body skip(int bytes) {
        require(bytes);
        this.position += bytes;
        return this;
    }

    /** A NUL-terminated name (UTF-8); the NUL must be inside the body. */
    public String name() {
        int start = this.position;
        int nul = -1;
        for (int i = start; i < this.end; i++) {
            if (this.buffer.get(i) == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            throw new MalformedRequestException("name without terminating NUL");
        }
        int length = nul - start;
        if (this.scratch.length < length) {
            this.scratch = new byte[Math.max(length, this.scratch.length * 2)];
        }
        this.buffer.get(start, this.scratch, 0, length);
        this.position = nul + 1;
        return new String(this.scratch, 0, length, StandardCharsets.UTF_8);
    }

    /** Takes {@code bytes} raw bytes (a write's data, an xattr value) and returns where they start. */
    public int take(int bytes) {
        int start = this.position;
        skip(bytes);
        return start;
    }

}
