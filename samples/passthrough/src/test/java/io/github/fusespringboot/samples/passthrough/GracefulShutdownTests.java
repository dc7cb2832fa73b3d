// No lost writes: another process writes and fsyncs through the mount while the application gets SIGTERM.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample application as users do, in its own JVM, and a {@link JournalingWriter} in another,
 * writing and fsyncing through the mount. The application is stopped with SIGTERM in the middle of the
 * stream. Every write the writer saw succeed must then be in the backing directory with its content,
 * and every write it attempted after the application was gone must have failed.
 */
@FuseMountTest
class GracefulShutdownTests {

    /** Acknowledged writes to wait for before the SIGTERM. */
    private static final int WRITES_BEFORE_SIGTERM = 200;

    /** Attempts the writer must make after the application exited, before it is told to stop. */
    private static final int ATTEMPTS_AFTER_EXIT = 20;

    /**
     * What a JVM stopped by SIGTERM exits with: 128 + 15. The JVM turns SIGTERM into an orderly exit
     * that runs the shutdown hooks (Spring's closes the context, which unmounts) and then reports the
     * signal in the status, as a shell does; exiting 0 would take a custom signal handler.
     */
    private static final int SIGTERM_EXIT_STATUS = 143;

    /**
     * One file per write, each closed before the next: the unmount finds a moment with no file open, so
     * it is a plain unmount, between two writes.
     */
    @Test
    @Timeout(180) // the bounds in run() add up to 155 s; a normal run takes a few seconds
    void everyAcknowledgedWriteSurvivesSigtermAndWritesAfterTheUnmountFail(FuseMounts mounts)
            throws Exception {
        Run run = run(mounts, "files", "--fuse.unmount-timeout=10s");

        List<Long> acknowledged = run.journal().seqs("OK");
        for (long seq : acknowledged) {
            Path file = run.dataDir().resolve(JournalingWriter.fileName(seq));
            assertThat(file).as("acknowledged write %d", seq).exists();
            assertThat(JournalingWriter.sha256(Files.readAllBytes(file))).as("content of acknowledged write %d", seq)
                .isEqualTo(JournalingWriter.sha256(JournalingWriter.content(seq)))
                .isEqualTo(run.journal().outcome(seq).split(" ")[4]);
        }
        run.print("files");
    }

    /**
     * One file held open across the shutdown, appended to and fsynced record by record: the unmount
     * stays busy, detaches the mount lazily (the open file keeps working) and, at the unmount timeout,
     * aborts the connection. Records acknowledged until the abort are all there; after it, writes fail.
     */
    @Test
    @Timeout(180)
    void everyAcknowledgedAppendSurvivesAShutdownThatMustDetachAndAbort(FuseMounts mounts)
            throws Exception {
        Run run = run(mounts, "append", "--fuse.unmount-timeout=2s");

        assertThat(run.log()).as("the unmount had to detach, then abort").contains("lazily", "aborted");
        Path file = run.dataDir().resolve(JournalingWriter.APPEND_FILE);
        try (FileChannel channel = FileChannel.open(file)) {
            for (long seq : run.journal().seqs("OK")) {
                String[] fields = run.journal().outcome(seq).split(" ");
                ByteBuffer record = ByteBuffer.allocate(Integer.parseInt(fields[3]));
                long offset = Long.parseLong(fields[2]);
                while (record.hasRemaining() && channel.read(record, offset + record.position()) >= 0) {
                    // keep reading
                }
                assertThat(JournalingWriter.sha256(record.array())).as("acknowledged record %d at %d", seq, offset)
                    .isEqualTo(JournalingWriter.sha256(JournalingWriter.content(seq)))
                    .isEqualTo(fields[4]);
            }
        }
        run.print("append");
    }

    /**
     * Starts the application and the writer, waits for {@link #WRITES_BEFORE_SIGTERM} acknowledged
     * writes, sends SIGTERM, waits for the exit and for {@link #ATTEMPTS_AFTER_EXIT} more attempts, stops
     * the writer, and checks what holds for every run: a clean exit, nothing left mounted, every attempt
     * ended, every attempt begun after the exit failed.
     */
    private static Run run(FuseMounts mounts, String mode, String... appArgs) throws Exception {
        Path dir = mounts.directory();
        Path backing = Files.createDirectories(dir.resolve("backing"));
        // The writer writes into data/, which exists only inside the filesystem: once the mount is gone,
        // <mount>/data is not there, so a late write fails instead of landing in the bare mount point.
        Path dataDir = Files.createDirectory(backing.resolve("data"));
        Path mountPoint = dir.resolve("mnt"); // created by the application, removed after its unmount
        Path journalFile = dir.resolve("journal.txt");
        Path stopFile = dir.resolve("stop-writing");
        Path appLog = dir.resolve("app.log");
        Process app = null;
        Process writer = null;
        try {
            List<String> args = new ArrayList<>(List.of("--passthrough.backing-dir=" + backing,
                    "--passthrough.mount-point=" + mountPoint, "--spring.main.banner-mode=off"));
            args.addAll(List.of(appArgs));
            app = java(appLog, PassthroughApplication.class.getName(), args);
            Process application = app;
            await("the application's mount on " + mountPoint).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .failFast("the application exited; its output: " + appLog, () -> !application.isAlive())
                .until(() -> isMounted(mountPoint));

            writer = java(dir.resolve("writer.log"), JournalingWriter.class.getName(), List.of(mode,
                    mountPoint.resolve("data").toString(), journalFile.toString(), stopFile.toString(), "90",
                    "100000"));
            Process writing = writer;
            await("writes acknowledged before SIGTERM").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .failFast("the writer exited early", () -> !writing.isAlive())
                .until(() -> Journal.read(journalFile).count("OK") >= WRITES_BEFORE_SIGTERM);

            int linesAtSigterm = Journal.read(journalFile).lines().size();
            long sigtermAt = System.nanoTime();
            app.destroy(); // SIGTERM
            // the unmount takes at most fuse.unmount-timeout (10 s at most here) plus a grace of 2 s
            assertThat(app.waitFor(40, TimeUnit.SECONDS)).as("the application exits within 40 s of SIGTERM")
                .isTrue();
            long shutdownMillis = (System.nanoTime() - sigtermAt) / 1_000_000;
            int linesAtExit = Journal.read(journalFile).lines().size();

            // from here on the mount is gone: let the writer try some more, then stop it
            await("attempts after the application exited").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .failFast("the writer exited early", () -> !writing.isAlive())
                .until(() -> Journal.read(journalFile).from(linesAtExit).count("BEGIN") >= ATTEMPTS_AFTER_EXIT);
            Files.createFile(stopFile);
            assertThat(writer.waitFor(10, TimeUnit.SECONDS)).as("the writer stops within 10 s").isTrue();
            assertThat(writer.exitValue()).as("the writer's exit status").isZero();

            String log = Files.readString(appLog);
            assertThat(app.exitValue()).as("exit status after SIGTERM; output:%n%s", log)
                .isEqualTo(SIGTERM_EXIT_STATUS);
            assertThat(log).doesNotContain("could not be unmounted", "after it was unmounted", "ERROR");
            assertThat(isMounted(mountPoint)).isFalse();
            assertThat(mountPoint).as("the mount point the application created").doesNotExist();

            Journal journal = Journal.read(journalFile);
            assertThat(journal.outcomes().keySet()).as("every attempt ended").containsExactlyElementsOf(journal.begun());
            assertThat(journal.count("OK")).isGreaterThanOrEqualTo(WRITES_BEFORE_SIGTERM);
            List<Long> lateAttempts = journal.from(linesAtExit).begun();
            assertThat(lateAttempts).hasSizeGreaterThanOrEqualTo(ATTEMPTS_AFTER_EXIT);
            for (long seq : lateAttempts) {
                assertThat(journal.outcome(seq)).as("attempt %d, begun after the application exited", seq)
                    .startsWith("FAIL ");
            }
            return new Run(dataDir, journal, linesAtSigterm, lateAttempts, shutdownMillis, app.exitValue(), log);
        }
        finally {
            stop(writer);
            stop(app);
        }
    }

    /** Starts {@code main} in a JVM of its own with this test's class path; output goes to {@code log}. */
    private static Process java(Path log, String main, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(
                List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean isMounted(Path mountPoint) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields[4].equals(mountPoint.toString()) && fields[separator + 1].equals(FuseMount.TYPE)) {
                return true;
            }
        }
        return false;
    }

    /** What a run left to check, and to report. */
    private record Run(Path dataDir, Journal journal, int linesAtSigterm, List<Long> lateAttempts,
            long shutdownMillis, int exitStatus, String log) {

        void print(String mode) {
            Journal afterSigterm = this.journal.from(this.linesAtSigterm);
            Map<String, Integer> duringShutdown = new TreeMap<>();
            Map<String, Integer> afterExit = new TreeMap<>();
            for (long seq : afterSigterm.seqs("FAIL")) {
                String error = error(this.journal.outcome(seq));
                (this.lateAttempts.contains(seq) ? afterExit : duringShutdown).merge(error, 1, Integer::sum);
            }
            System.out.printf("NO-LOST-WRITES mode=%s acknowledged=%d (after SIGTERM: %d) shutdown_ms=%d exit=%d "
                    + "failed_during_shutdown=%s attempts_after_exit=%d failed_after_exit=%s%n", mode,
                    this.journal.count("OK"), afterSigterm.count("OK"), this.shutdownMillis, this.exitStatus,
                    duringShutdown, this.lateAttempts.size(), afterExit);
        }

        /** The error of a FAIL line, without the file's path: {@code NoSuchFileException: <path>}. */
        private static String error(String outcome) {
            String error = outcome.substring(outcome.indexOf(' ', "FAIL ".length()) + 1);
            return error.replaceAll("/\\S*/(file-\\d+|" + JournalingWriter.APPEND_FILE + ")", "<path>");
        }

    }

    /** The writer's journal, as complete lines (the last one may still be being written). */
    private record Journal(List<String> lines, Map<Long, String> outcomes) {

        static Journal read(Path file) throws IOException {
            if (!Files.exists(file)) {
                return of(List.of());
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String complete = text.substring(0, text.lastIndexOf('\n') + 1);
            return of(complete.isEmpty() ? List.of() : List.of(complete.split("\n")));
        }

        private static Journal of(List<String> lines) {
            Map<Long, String> outcomes = new LinkedHashMap<>();
            lines.stream()
                .filter((line) -> line.startsWith("OK ") || line.startsWith("FAIL "))
                .forEach((line) -> outcomes.put(Long.parseLong(line.split(" ")[1]), line));
            return new Journal(lines, outcomes);
        }

        Journal from(int line) {
            return of(this.lines.subList(Math.min(line, this.lines.size()), this.lines.size()));
        }

        long count(String kind) {
            return this.lines.stream().filter((line) -> line.startsWith(kind + " ")).count();
        }

        List<Long> seqs(String kind) {
            return this.lines.stream()
                .filter((line) -> line.startsWith(kind + " "))
                .map((line) -> Long.parseLong(line.split(" ")[1]))
                .toList();
        }

        List<Long> begun() {
            return seqs("BEGIN");
        }

        /** The OK or FAIL line of attempt {@code seq}. */
        String outcome(long seq) {
            return this.outcomes.get(seq);
        }

    }

}
