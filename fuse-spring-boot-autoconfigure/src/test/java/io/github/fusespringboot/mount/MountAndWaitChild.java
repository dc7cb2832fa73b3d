package io.github.fusespringboot.mount;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * Child JVM of {@link KillNineRecoveryTest}: mounts HelloFuse on each directory given after the
 * ready file, writes the ready file, and waits to be killed (it exits by itself after two minutes).
 */
public final class MountAndWaitChild {

    private MountAndWaitChild() {
    }

    public static void main(String[] args) throws Exception {
        Path ready = Path.of(args[0]);
        MountManager manager = new MountManager();
        for (int i = 1; i < args.length; i++) {
            manager.mount(MountSpec.builder("killed-" + i, Path.of(args[i]), new HelloFuse()).build());
        }
        Files.writeString(ready, "READY");
        TimeUnit.MINUTES.sleep(2);
        manager.close();
    }

}
