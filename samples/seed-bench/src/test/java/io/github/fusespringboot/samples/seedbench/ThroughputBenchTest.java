package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs the throughput scenario tiny, alone and against one or two references, through the kernel with dd and stat. */
@ExtendWith(OutputCaptureExtension.class)
class ThroughputBenchTest {

    private static final String[] TINY = { "--scenario=throughput", "--mib=2", "--small-mib=1", "--stats=40",
            "--repeat=1", "--clients=1,2" };

    @Test
    @Timeout(120)
    void tinyRunPrintsOneResultLinePerRow(CapturedOutput output) throws Exception {
        Path root = root("throughput");
        try (ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root))) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        for (String row : new String[] { "read-1MiB-x1", "read-1MiB-x2", "read-4KiB-x1", "read-4KiB-x2", "write-1MiB-x1",
                "write-1MiB-x2", "write-4KiB-x1", "write-4KiB-x2" }) {
            assertThat(output.getOut()).containsPattern("RESULT scenario=throughput row=" + row
                    + " unit=MB/s ours=[1-9]\\d* ours_range=\\d+-\\d+ reference=- reference_range=- ratio=- command=\"\\d x \\[dd ");
        }
        assertThat(output.getOut()).containsPattern("RESULT scenario=throughput .*row=stat-x1 unit=ops/s ours=[1-9]")
            .containsPattern("RESULT scenario=throughput .*row=stat-x2 unit=ops/s ours=[1-9]")
            .contains("throughput: 0 failed run(s)");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(120)
    void withAReferenceEveryRowRunsAgainstBothAndGivesTheRatio(CapturedOutput output) throws Exception {
        Path root = root("throughput-ref");
        Path reference = Files.createDirectories(root.resolve("reference"));
        try (MountManager other = new MountManager();
                FuseMount mount = other.mount(MountSpec.builder("reference", reference, new ZeroSinkFs()).build());
                ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                        with(TINY, "--root=" + root, "--reference=" + reference, "--reference-name=c-test",
                                "--rows=read-1MiB-x1,stat-x2", "--repeat=2"))) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        assertThat(output.getOut())
            .containsPattern("RUN row=read-1MiB-x1 target=ours run=1 .*\\n.*RUN row=read-1MiB-x1 target=c-test run=1 .*\\n"
                    + ".*RUN row=read-1MiB-x1 target=c-test run=2 .*\\n.*RUN row=read-1MiB-x1 target=ours run=2 ")
            .containsPattern("RESULT scenario=throughput row=read-1MiB-x1 unit=MB/s ours=\\d+ "
                    + "ours_range=\\d+-\\d+ c-test=[1-9]\\d* c-test_range=\\d+-\\d+ ratio=\\d+\\.\\d\\d ")
            .containsPattern("RESULT scenario=throughput .*row=stat-x2 unit=ops/s .* ratio=\\d+\\.\\d\\d ")
            .doesNotContain("row=write");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        Files.deleteIfExists(reference);
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(120)
    void severalNamedReferencesEachGetTheirColumnsAndTheirRatio(CapturedOutput output) throws Exception {
        Path root = root("throughput-refs");
        Path first = Files.createDirectories(root.resolve("first"));
        Path second = Files.createDirectories(root.resolve("second"));
        try (MountManager other = new MountManager();
                FuseMount c = other.mount(MountSpec.builder("first", first, new ZeroSinkFs()).build());
                FuseMount peer = other.mount(MountSpec.builder("second", second, new ZeroSinkFs()).build());
                ConfigurableApplicationContext context = SpringApplication.run(SeedBenchApplication.class,
                        with(TINY, "--root=" + root, "--reference=c-test=" + first, "--reference=peer.test=" + second,
                                "--rows=read-4KiB-x1,stat-x1", "--repeat=2"))) {
            assertThat(SpringApplication.exit(context)).isZero();
        }
        assertThat(output.getOut())
            .contains("reference=" + first + " (c-test), " + second + " (peer.test)")
            .containsPattern("RUN row=read-4KiB-x1 target=ours run=1 .*\\n.*RUN row=read-4KiB-x1 target=c-test run=1 .*\\n"
                    + ".*RUN row=read-4KiB-x1 target=peer\\.test run=1 .*\\n"
                    + ".*RUN row=read-4KiB-x1 target=peer\\.test run=2 .*\\n"
                    + ".*RUN row=read-4KiB-x1 target=c-test run=2 .*\\n.*RUN row=read-4KiB-x1 target=ours run=2 ")
            .containsPattern("RESULT scenario=throughput row=read-4KiB-x1 unit=MB/s ours=\\d+ "
                    + "ours_range=\\d+-\\d+ c-test=[1-9]\\d* c-test_range=\\d+-\\d+ ratio=\\d+\\.\\d\\d "
                    + "peer\\.test=[1-9]\\d* peer\\.test_range=\\d+-\\d+ ratio_peer\\.test=\\d+\\.\\d\\d "
                    + "command=\"1 x \\[dd ")
            .containsPattern("RESULT scenario=throughput .*row=stat-x1 unit=ops/s .* ratio=\\d+\\.\\d\\d .* "
                    + "ratio_peer\\.test=\\d+\\.\\d\\d command=")
            .contains("throughput: 0 failed run(s)");
        assertThat(MountTable.read().fuseMountsUnder(root)).isEmpty();
        Files.deleteIfExists(first);
        Files.deleteIfExists(second);
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(60)
    void twoReferencesWithoutANameOrOneNameTwiceAreRefusedBeforeMounting() throws Exception {
        Path root = root("throughput-names");
        Path empty = Files.createDirectories(root.resolve("empty"));
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--reference=" + empty, "--reference=" + empty)))
            .hasStackTraceContaining("--reference=" + empty
                    + ": more than one reference without a name; give each one as --reference=NAME=DIR");
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--reference=c=" + empty, "--reference=c=" + empty)))
            .hasStackTraceContaining("--reference=c=" + empty + ": the name c is taken");
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--reference=ours=" + empty)))
            .hasStackTraceContaining("--reference=ours=" + empty + ": the name ours is taken");
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--reference=go-fuse=" + empty)))
            .hasStackTraceContaining("--reference=go-fuse=" + empty + ": " + empty + " has no zero and sink files");
        assertThat(root.resolve("throughput")).doesNotExist();
        Files.deleteIfExists(empty);
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(60)
    void aReferenceWithoutTheZeroAndSinkFilesIsRefusedByName() throws Exception {
        Path root = root("throughput-bad");
        Path empty = Files.createDirectories(root.resolve("empty"));
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--reference=" + empty)))
            .hasStackTraceContaining("--reference=" + empty + ": " + empty + " has no zero and sink files");
        assertThat(root.resolve("throughput")).doesNotExist();
        Files.deleteIfExists(empty);
        Files.deleteIfExists(root);
    }

    @Test
    @Timeout(60)
    void moreStatCallsThanOneArgumentListHoldsAreRefusedBeforeMounting() throws Exception {
        Path root = root("throughput-stats");
        assertThatThrownBy(() -> SpringApplication.run(SeedBenchApplication.class,
                with(TINY, "--root=" + root, "--stats=300000", "--clients=2")))
            .hasStackTraceContaining("--stats=300000 gives 150000 stat calls to one client, more than 100000");
        assertThat(root.resolve("throughput")).doesNotExist();
        Files.deleteIfExists(root);
    }

    static Path root(String name) throws Exception {
        return Files.createDirectories(Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"))
            .resolve(name + "-" + ProcessHandle.current().pid()));
    }

    static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

}
