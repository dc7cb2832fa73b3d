package io.github.fusespringboot.samples.hello;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.mount.MountTable;
import io.github.fusespringboot.test.FuseMountTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's actuator over real HTTP, each test with its own application on a random port and its
 * own mount root: health per mount (UP, DOWN when unmounted from outside, DOWN when wedged, while
 * /actuator/health keeps answering), the fuse endpoint (list, unmount, remount) and the metrics.
 */
@FuseMountTest
class ActuatorOverHttpTests {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    private Path root;

    private int port;

    private ConfigurableApplicationContext start(Class<?>... extra) throws IOException {
        this.root = Files.createTempDirectory(Files.createDirectories(Path.of("/tmp/fuse-spring-boot-tests")), "http-");
        List<Class<?>> sources = new ArrayList<>(List.of(HelloApplication.class));
        sources.addAll(List.of(extra));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(
                "--server.port=0", "--sample.mount-root=" + this.root, "--fuse.health.probe-timeout=" + PROBE_TIMEOUT,
                "--fuse.health.cache-time-to-live=0s", "--fuse.unmount-timeout=2s",
                "--management.endpoint.fuse.access=unrestricted");
        this.started.add(context);
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        return context;
    }

    @AfterEach
    void closeAndCheckNothingIsLeft() throws IOException {
        for (ConfigurableApplicationContext context : this.started) {
            context.close();
        }
        if (this.root != null) {
            assertThat(MountTable.read().fuseMountsUnder(this.root)).isEmpty();
            try (var entries = Files.walk(this.root)) {
                entries.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach((p) -> p.toFile().delete());
            }
        }
    }

    @Test
    void healthIsUpForHealthyMountsWithDetails() throws Exception {
        start();
        JsonNode fuse = getJson("/actuator/health/fuse");
        assertThat(fuse.path("status").asString()).isEqualTo("UP");
        JsonNode hello = fuse.path("components").path("hello");
        assertThat(hello.path("status").asString()).isEqualTo("UP");
        assertThat(hello.path("details").path("mountPoint").asString()).isEqualTo(this.root + "/hello");
        assertThat(hello.path("details").path("state").asString()).isEqualTo("MOUNTED");
        assertThat(hello.path("details").has("lastProbeLatencyMs")).isTrue();
        assertThat(getJson("/actuator/health/fuse/memory").path("status").asString()).isEqualTo("UP");
        assertThat(getJson("/actuator/health/readiness").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void mountRemovedFromOutsideIsDownWithinTwoProbeTimeouts() throws Exception {
        start();
        assertThat(getJson("/actuator/health/fuse/memory").path("status").asString()).isEqualTo("UP");
        assertThat(new ProcessBuilder("umount", "-l", this.root + "/memory").inheritIO().start().waitFor())
            .isZero();
        long started = System.nanoTime();
        JsonNode memory = awaitJson("/actuator/health/fuse/memory", PROBE_TIMEOUT.multipliedBy(2),
                (json) -> json.path("status").asString().equals("DOWN"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROBE_TIMEOUT.multipliedBy(2));
        assertThat(memory.path("details").path("reason").asString()).contains("no longer mounted");
        assertThat(getJson("/actuator/health/fuse/hello").path("status").asString()).isEqualTo("UP");
        HttpResponse<String> overall = get("/actuator/health");
        assertThat(overall.statusCode()).isEqualTo(503);
    }

    @Test
    void wedgedFilesystemIsDownWhileHealthKeepsAnsweringAndShutdownStillCompletes() throws Exception {
        ConfigurableApplicationContext context = start(WedgedConfiguration.class);
        WedgeableFilesystem wedged = context.getBean(WedgeableFilesystem.class);
        assertThat(getJson("/actuator/health/fuse/wedged").path("status").asString()).isEqualTo("UP");
        wedged.armed = true;
        try {
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                HttpResponse<String> health = get("/actuator/health");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(took).isLessThan(PROBE_TIMEOUT.plus(Duration.ofMillis(700)));
                assertThat(health.statusCode()).isEqualTo(503);
                JsonNode components = JSON.readTree(health.body()).path("components").path("fuse").path("components");
                assertThat(components.path("wedged").path("status").asString()).isEqualTo("DOWN");
                assertThat(components.path("wedged").path("details").path("reason").asString()).contains("unresponsive");
                assertThat(components.path("hello").path("status").asString()).isEqualTo("UP");
            }
            long started = System.nanoTime();
            context.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            // unmount timeout 2 s + 2 s abort grace + a little: bounded although getattr never returns
            assertThat(took).isLessThan(Duration.ofSeconds(6));
            assertThat(MountTable.read().fuseMountsUnder(this.root)).isEmpty();
        }
        finally {
            wedged.release.countDown();
        }
    }

    @Test
    void endpointListsMountsAndUnmountsAndRemountsOne() throws Exception {
        start();
        JsonNode mounts = getJson("/actuator/fuse").path("mounts");
        assertThat(mounts.path("hello").path("state").asString()).isEqualTo("MOUNTED");
        assertThat(mounts.path("hello").path("readOnly").asBoolean()).isTrue();
        assertThat(mounts.path("memory").path("mountPoint").asString()).isEqualTo(this.root + "/memory");
        assertThat(mounts.path("memory").path("order").asInt()).isEqualTo(1);
        assertThat(get("/actuator/fuse/nope").statusCode()).isEqualTo(404);

        HttpResponse<String> unmounted = send(HttpRequest.newBuilder(uri("/actuator/fuse/memory")).DELETE());
        assertThat(unmounted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(unmounted.body()).path("state").asString()).isEqualTo("UNMOUNTED");
        assertThat(MountTable.read().find(this.root.resolve("memory"))).isEmpty();
        assertThat(getJson("/actuator/health/fuse/memory").path("status").asString()).isEqualTo("DOWN");

        HttpResponse<String> remounted = send(HttpRequest.newBuilder(uri("/actuator/fuse/memory"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(remounted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(remounted.body()).path("state").asString()).isEqualTo("MOUNTED");
        Files.writeString(this.root.resolve("memory/after-remount.txt"), "back");
        assertThat(Files.readString(this.root.resolve("memory/after-remount.txt"))).isEqualTo("back");
        assertThat(getJson("/actuator/health/fuse/memory").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void metricsAreVisible() throws Exception {
        start();
        JsonNode mounted = getJson("/actuator/metrics/fuse.mounts?tag=state:mounted");
        assertThat(mounted.path("measurements").get(0).path("value").asDouble()).isEqualTo(2.0);
        JsonNode mountTimer = getJson("/actuator/metrics/fuse.mount?tag=result:success");
        assertThat(mountTimer.path("measurements").get(0).path("value").asDouble()).isEqualTo(2.0); // COUNT
    }

    private JsonNode awaitJson(String path, Duration bound, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        JsonNode json = getJson(path);
        while (!condition.test(json) && System.nanoTime() < deadline) {
            json = getJson(path);
        }
        return json;
    }

    private JsonNode getJson(String path) throws Exception {
        return JSON.readTree(get(path).body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + this.port + path);
    }

    @Configuration(proxyBeanMethods = false)
    static class WedgedConfiguration {

        @Bean
        @FuseFilesystem(name = "wedged", mountPoint = "${sample.mount-root}/wedged", order = 2)
        WedgeableFilesystem wedged() {
            return new WedgeableFilesystem();
        }

    }

}
