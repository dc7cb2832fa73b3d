// /actuator/health/fuse: one health component per mount, declared or made at runtime.
package io.github.fusespringboot.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.fusespringboot.context.DeclaredMount;
import io.github.fusespringboot.context.FuseLifecycle;
import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountManager;
import io.github.fusespringboot.mount.MountProbe;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

/**
 * The {@code fuse} health contributor: a component per mount ({@code /actuator/health/fuse/<name>}),
 * for every {@code @FuseFilesystem} mount and every runtime mount of the {@link MountManager}. When
 * all components are asked for, every mount's probe is started first, so the whole answer takes
 * about one probe timeout however many mounts are wedged.
 */
public final class FuseHealthContributor implements CompositeHealthContributor {

    private final FuseLifecycle lifecycle;

    private final MountManager manager;

    private final MountProbe probe;

    public FuseHealthContributor(FuseLifecycle lifecycle, MountManager manager, MountProbe probe) {
        this.lifecycle = lifecycle;
        this.manager = manager;
        this.probe = probe;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return indicators().get(name);
    }

    @Override
    public Stream<HealthContributors.Entry> stream() {
        Map<String, MountHealthIndicator> indicators = indicators();
        List<FuseMount> mounted = new ArrayList<>();
        indicators.values().forEach((indicator) -> indicator.mount().ifPresent(mounted::add));
        this.probe.startAll(mounted);
        return indicators.entrySet()
            .stream()
            .map((entry) -> new HealthContributors.Entry(entry.getKey(), entry.getValue()));
    }

    private Map<String, MountHealthIndicator> indicators() {
        Map<String, MountHealthIndicator> indicators = new LinkedHashMap<>();
        if (this.lifecycle != null) {
            for (DeclaredMount declared : this.lifecycle.declaredMounts()) {
                indicators.put(declared.name(), new MountHealthIndicator(declared, null, this.probe));
            }
        }
        for (FuseMount mount : this.manager.mounts()) {
            indicators.putIfAbsent(mount.name(), new MountHealthIndicator(null, mount, this.probe));
        }
        return indicators;
    }

}
