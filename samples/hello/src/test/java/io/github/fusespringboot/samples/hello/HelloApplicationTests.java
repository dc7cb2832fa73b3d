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

import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Boots the sample for real, its two mounts redirected below a temporary directory by
 * {@code @FuseMountTest}, with the web server and actuator; the test kit closes the context after the
 * class and fails it if anything of the mounts is left.
 */
@FuseMountTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HelloApplicationTests {

    @LocalServerPort
    private int port;

    private Path hello;

    private Path memory;

    @BeforeEach
    void findTheMounts(FuseMounts mounts) {
        this.hello = mounts.mountPoint("hello");
        this.memory = mounts.mountPoint("memory");
    }

    @Test
    void servesHelloTxtReadOnly() throws IOException {
        Path hello = this.hello;
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
        Path memory = this.memory;
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
        assertThat(fuseMountsUnder(this.hello.getParent())).containsExactlyInAnyOrder(this.hello.toString(),
                this.memory.toString());
    }

    private static List<String> mountInfo() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"));
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> fuseMountsUnder(Path root) {
        return mountInfo().stream()
            .map((line) -> line.split(" "))
            .filter((fields) -> fields[4].startsWith(root + "/"))
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

}
