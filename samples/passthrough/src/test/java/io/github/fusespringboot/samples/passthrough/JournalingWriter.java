// A separate process that writes and fsyncs files in a loop and journals each outcome outside the mount.
package io.github.fusespringboot.samples.passthrough;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Plays a client of the mount. In mode {@code files} it creates file after file in a directory, each
 * with content known from its sequence number, writes it, {@code fsync}s it and closes it. In mode
 * {@code append} it opens one file and keeps it open, appending and {@code fsync}ing one such record
 * after the other. Before each attempt it journals {@code BEGIN <seq>}; after it
 * {@code OK <seq> <offset> <size> <sha256>} only if every call returned success, else
 * {@code FAIL <seq> <exception>: <message>}. The journal lives outside the mount and each line is one
 * unbuffered write, so it survives whatever happens to the mount.
 *
 * <p>
 * Arguments: mode, directory, journal, stop file, deadline in seconds, most consecutive failures. It
 * stops when the stop file exists, at the deadline, or after that many failures in a row (pausing
 * briefly after each failure, as a client retrying would).
 */
public final class JournalingWriter {

    /** The file of mode {@code append}. */
    static final String APPEND_FILE = "appended";

    private final Path directory;

    private final OutputStream journal;

    private FileChannel appendChannel;

    private long appendOffset;

    private JournalingWriter(Path directory, OutputStream journal) {
        this.directory = directory;
        this.journal = journal;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean append = switch (args[0]) {
            case "files" -> false;
            case "append" -> true;
            default -> throw new IllegalArgumentException("mode files or append, not " + args[0]);
        };
        Path directory = Path.of(args[1]);
        Path stopFile = Path.of(args[3]);
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        int maxConsecutiveFailures = Integer.parseInt(args[5]);
        int consecutiveFailures = 0;
        try (OutputStream out = new FileOutputStream(args[2], true)) {
            JournalingWriter writer = new JournalingWriter(directory, out);
            for (long seq = 0; !Files.exists(stopFile) && System.nanoTime() < deadline
                    && consecutiveFailures < maxConsecutiveFailures; seq++) {
                writer.line("BEGIN " + seq);
                byte[] content = content(seq);
                long offset;
                try {
                    offset = append ? writer.append(content) : writer.writeFile(seq, content);
                }
                catch (IOException | RuntimeException ex) {
                    consecutiveFailures++;
                    writer.line("FAIL " + seq + " " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
                    Thread.sleep(5);
                    continue;
                }
                consecutiveFailures = 0;
                writer.line("OK " + seq + " " + offset + " " + content.length + " " + sha256(content));
            }
            writer.closeAppendFile();
        }
    }

    /** Creates, writes, fsyncs and closes file {@code seq}; a failed close is a failure too. */
    private long writeFile(long seq, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(this.directory.resolve(fileName(seq)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, content, 0);
            channel.force(true);
        }
        return 0;
    }

    /** Appends to the one open file and fsyncs it; returns where the record starts. */
    private long append(byte[] content) throws IOException {
        if (this.appendChannel == null) {
            this.appendChannel = FileChannel.open(this.directory.resolve(APPEND_FILE), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        }
        long offset = this.appendOffset;
        writeFully(this.appendChannel, content, offset);
        this.appendChannel.force(true);
        this.appendOffset = offset + content.length;
        return offset;
    }

    private static void writeFully(FileChannel channel, byte[] content, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
            channel.write(buffer, offset + buffer.position());
        }
    }

    private void closeAppendFile() throws IOException {
        if (this.appendChannel != null) {
            try {
                this.appendChannel.close();
            }
            catch (IOException ex) {
                line("CLOSE-FAILED " + ex);
            }
        }
    }

    private void line(String line) throws IOException {
        this.journal.write((line.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The name of the file of attempt {@code seq}. */
    static String fileName(long seq) {
        return String.format("file-%06d", seq);
    }

    /**
     * The content of attempt {@code seq}: pseudo-random bytes, 1 byte to 300 KiB long, so some take one
     * FUSE write and some several.
     */
    static byte[] content(long seq) {
        byte[] bytes = new byte[(int) (1 + (seq * 104_729) % (300 * 1024))];
        new SplittableRandom(seq).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
