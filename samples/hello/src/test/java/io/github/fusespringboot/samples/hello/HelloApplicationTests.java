package io.github.fusespringboot.samples.hello;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Boots the sample for real: two mounts under a fresh directory, the web server and actuator; once
 * the context has closed, nothing of the mounts may be left.
 */
@ExtendWith(HelloApplicationTests.MountsGoneAfterTheContextCloses.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class HelloApplicationTests {

    private static final Path ROOT = createRoot();

    private static volatile ConfigurableApplicationContext started;

    @Autowired
    private ConfigurableApplicationContext context;

    @LocalServerPort
    private int port;

    @BeforeEach
    void rememberTheContext() {
        started = this.context;
    }

    @DynamicPropertySource
    static void mountRoot(DynamicPropertyRegistry registry) {
        registry.add("sample.mount-root", ROOT::toString);
    }

    @Test
    void servesHelloTxtReadOnly() throws IOException {
        Path hello = ROOT.resolve("hello");
        try (Stream<Path> files = Files.list(hello)) {
            assertThat(files.map((file) -> file.getFileName().toString())).containsExactly("hello.txt");
        }
        assertThat(Files.readString(hello.resolve("hello.txt"))).isEqualTo("Hello from fuse-spring-boot!\n");
        assertThatExceptionOfType(FileSystemException.class)
            .isThrownBy(() -> Files.writeString(hello.resolve("hello.txt"), "changed"));
        assertThatExceptionOfType(FileSystemException.class)
            .isThrownBy(() -> Files.writeString(hello.resolve("new.txt"), "new"))
            .withMessageContaining("Read-only file system");
        assertThat(mountOptions(hello)).contains("ro");
    }

    @Test
    void storesFilesInMemory() throws IOException {
        Path memory = ROOT.resolve("memory");
        Path note = memory.resolve("note.txt");
        Files.writeString(note, "written through FUSE");
        assertThat(Files.readString(note)).isEqualTo("written through FUSE");
        Files.createDirectory(memory.resolve("notes"));
        Files.move(note, memory.resolve("notes/note.txt"));
        assertThat(Files.readString(memory.resolve("notes/note.txt"))).isEqualTo("written through FUSE");
        Files.delete(memory.resolve("notes/note.txt"));
        assertThat(Files.exists(memory.resolve("notes/note.txt"))).isFalse();
        assertThat(mountOptions(memory)).contains("rw");
    }

    @Test
    void theWebServerAnswersWhileTheFilesystemsAreMounted() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        assertThat(fuseMountsUnderRoot()).hasSize(2);
    }

    /**
     * Runs after Spring's extension has closed the context (it is declared before
     * {@code @SpringBootTest}, so its afterAll comes last): the mounts must be gone by then.
     */
    static final class MountsGoneAfterTheContextCloses implements AfterAllCallback {

        @Override
        public void afterAll(ExtensionContext extensionContext) throws Exception {
            try {
                assertThat(HelloApplicationTests.started).as("the application was started").isNotNull();
                assertThat(HelloApplicationTests.started.isActive()).as("the context is closed").isFalse();
                assertThat(fuseMountsUnderRoot()).as("mounts left behind").isEmpty();
                // the engine created the directories, so it removed them again
                assertThat(ROOT.resolve("hello")).doesNotExist();
                assertThat(ROOT.resolve("memory")).doesNotExist();
                assertThat(openFuseDescriptors()).as("open /dev/fuse descriptors").isZero();
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!servingThreads().isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    Thread.yield();
                }
                assertThat(servingThreads()).as("threads still serving a mount").isEmpty();
            }
            finally {
                for (String mountPoint : fuseMountsUnderRoot()) {
                    new ProcessBuilder("umount", "-l", mountPoint).inheritIO().start().waitFor();
                }
                Files.deleteIfExists(ROOT);
            }
        }

    }

    private static Path createRoot() {
        try {
            Path base = Files.createDirectories(Path.of("/tmp/fuse-spring-boot-tests"));
            return Files.createTempDirectory(base, "hello-sample-");
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> mountInfo() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> fuseMountsUnderRoot() {
        return mountInfo().stream()
            .map((line) -> line.split(" "))
            .filter((fields) -> fields[4].startsWith(ROOT + "/"))
            .filter((fields) -> List.of(fields).contains("fuse.fuse-spring-boot"))
            .map((fields) -> fields[4])
            .toList();
    }

    private static List<String> mountOptions(Path mountPoint) {
        return mountInfo().stream()
            .map((line) -> line.split(" "))
            .filter((fields) -> fields[4].equals(mountPoint.toString()))
            .map((fields) -> List.of(fields[5].split(",")))
            .findFirst()
            .orElseThrow(() -> new AssertionError(mountPoint + " is not mounted"));
    }

    private static long openFuseDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter((fd) -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals("/dev/fuse");
                }
                catch (IOException ex) {
                    return false;
                }
            }).count();
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> servingThreads() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .map(Thread::getName)
            .filter((name) -> name.startsWith("fuse:"))
            .toList();
    }

}
