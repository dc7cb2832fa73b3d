package io.github.fusespringboot.samples.seedbench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Child JVM of {@link WatchdogTest}: a worker whose cycle never ends, under a 300 ms watchdog. */
public final class WatchdogChild {

    private WatchdogChild() {
    }

    public static void main(String[] args) throws Exception {
        Watchdog watchdog = new Watchdog(2, Duration.ofMillis(300), Path.of(args[0]), System.out);
        watchdog.cycleStarted(1);
        new CountDownLatch(1).await(); // stuck for good: only the watchdog can end this JVM
    }

}
