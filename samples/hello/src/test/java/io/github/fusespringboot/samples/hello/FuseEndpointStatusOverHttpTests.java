package io.github.fusespringboot.samples.hello;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.mount.MountTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code fuse} endpoint's status codes over real HTTP: 404 for an unknown mount on every verb, 409
 * when the mount's state forbids the request, 500 with the engine's cause when a remount fails.
 */
class FuseEndpointStatusOverHttpTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ConfigurableApplicationContext context;

    private Path root;

    private int port;

    @BeforeEach
    void start() throws IOException {
        Path testRoot = Path.of(System.getProperty("fuse.test.root", "/tmp/fuse-spring-boot-tests"));
        this.root = Files.createTempDirectory(Files.createDirectories(testRoot), "endpoint-");
        this.context = new SpringApplicationBuilder(HelloApplication.class).run("--server.port=0",
                "--sample.mount-root=" + this.root, "--fuse.unmount-timeout=2s",
                "--management.endpoint.fuse.access=unrestricted");
        this.port = Integer.parseInt(this.context.getEnvironment().getProperty("local.server.port"));
    }

    @AfterEach
    void closeAndCheckNothingIsLeft() throws IOException {
        this.context.close();
        assertThat(MountTable.read().fuseMountsUnder(this.root)).isEmpty();
        try (Stream<Path> entries = Files.walk(this.root)) {
            entries.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((p) -> p.toFile().delete());
        }
    }

    @Test
    void anUnknownMountIsNotFoundForEveryVerb() throws Exception {
        for (HttpResponse<String> response : new HttpResponse[] { get("nope"), delete("nope"), post("nope") }) {
            assertThat(response.statusCode()).as(response.request().method()).isEqualTo(404);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("mount").asString()).isEqualTo("nope");
            assertThat(body.path("message").asString()).isEqualTo("No FUSE mount named 'nope'");
        }
        assertThat(get("").statusCode()).isEqualTo(200);
    }

    @Test
    void remountingAMountedMountIsAConflictAndLeavesItServing() throws Exception {
        HttpResponse<String> response = post("memory");
        assertThat(response.statusCode()).isEqualTo(409);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("mount").asString()).isEqualTo("memory");
        assertThat(body.path("message").asString()).contains("is MOUNTED", "unmount it first (DELETE)");
        assertThat(body.path("current").path("state").asString()).isEqualTo("MOUNTED");
        Files.writeString(this.root.resolve("memory/still.txt"), "serving");
        assertThat(Files.readString(this.root.resolve("memory/still.txt"))).isEqualTo("serving");
    }

    @Test
    void aFailedRemountIsAServerErrorWithTheEnginesCauseAndAFixedOneMountsAgain() throws Exception {
        assertThat(delete("memory").statusCode()).isEqualTo(200);
        // a file in the way: the engine refuses a mount point that is not empty
        Path blocker = Files.createDirectories(this.root.resolve("memory")).resolve("in-the-way.txt");
        Files.writeString(blocker, "x");

        HttpResponse<String> failed = post("memory");
        assertThat(failed.statusCode()).isEqualTo(500);
        JsonNode body = JSON.readTree(failed.body());
        assertThat(body.path("mount").asString()).isEqualTo("memory");
        assertThat(body.path("phase").asString()).isEqualTo("VALIDATE");
        assertThat(body.path("message").asString()).contains("FUSE mount 'memory'", "the mount point is not empty");
        assertThat(body.path("action").asString()).contains("nonempty");
        assertThat(body.path("current").path("state").asString()).isEqualTo("FAILED");
        assertThat(JSON.readTree(get("memory").body()).path("failure").asString()).contains("not empty");

        Files.delete(blocker);
        HttpResponse<String> remounted = post("memory");
        assertThat(remounted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(remounted.body()).path("state").asString()).isEqualTo("MOUNTED");
    }

    @Test
    void aRuntimeMountCanBeUnmountedButNotRemountedThroughTheEndpoint() throws Exception {
        Path dir = Files.createDirectories(this.root.resolve("tenant"));
        FuseMount tenant = this.context.getBean(MountManager.class)
            .mount(MountSpec.builder("tenant", dir, new HelloFilesystem("tenant\n")).build());
        HttpResponse<String> refused = post("tenant");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).path("message").asString()).contains("mounted at runtime");

        HttpResponse<String> unmounted = delete("tenant");
        assertThat(unmounted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(unmounted.body()).path("state").asString()).isEqualTo("UNMOUNTED");
        assertThat(tenant.state().name()).isEqualTo("UNMOUNTED");
        assertThat(MountTable.read().find(dir)).isEmpty();
    }

    private HttpResponse<String> get(String name) throws Exception {
        return send(HttpRequest.newBuilder(uri(name)).GET());
    }

    private HttpResponse<String> delete(String name) throws Exception {
        return send(HttpRequest.newBuilder(uri(name)).DELETE());
    }

    private HttpResponse<String> post(String name) throws Exception {
        return send(HttpRequest.newBuilder(uri(name))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String name) {
        return URI.create("http://localhost:" + this.port + "/actuator/fuse" + (name.isEmpty() ? "" : "/" + name));
    }

}
