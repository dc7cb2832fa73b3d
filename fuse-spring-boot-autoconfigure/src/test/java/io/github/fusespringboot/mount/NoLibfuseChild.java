package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child JVM of {@link ProtocolEngineWithoutLibfuseTest}: mounts a {@code ManagedFuseStubFS}, reads a
 * file through the kernel, unmounts, and prints what it read and whether
 * any libfuse is mapped into the process.
 */
public final class NoLibfuseChild {

    private NoLibfuseChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String read;
        try (MountManager manager = new MountManager();
                FuseMount mount = manager.mount(MountSpec.builder("nolibfuse", dir, new ProtocolEngineTest.SinkFs())
                    .build())) {
            read = Files.readAttributes(dir.resolve("sink"), "posix:owner").get("owner").toString();
        }
        boolean mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch((l) -> l.contains("libfuse"));
        System.out.println("OWNER " + read);
        System.out.println("LIBFUSE_MAPPED " + mapped);
    }

}
