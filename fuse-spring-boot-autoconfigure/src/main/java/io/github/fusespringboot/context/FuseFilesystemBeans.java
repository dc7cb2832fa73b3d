// Finds the @FuseFilesystem beans and turns each into a validated mount declaration.
package io.github.fusespringboot.context;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.mount.MountSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFS;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * Reads every {@code @FuseFilesystem} bean (on its class or its {@code @Bean} method), applies the
 * defaults and the {@code fuse.mounts.<name>} overrides, and checks the result before anything is
 * mounted: a filesystem bean, a mount point, unique names and unique directories.
 */
public final class FuseFilesystemBeans {

    private static final Logger logger = LoggerFactory.getLogger(FuseFilesystemBeans.class);

    private final ConfigurableListableBeanFactory beanFactory;

    private final Environment environment;

    private final MountDefaults defaults;

    private final Map<String, MountOverride> overrides;

    public FuseFilesystemBeans(ConfigurableListableBeanFactory beanFactory, Environment environment,
            MountDefaults defaults, Map<String, MountOverride> overrides) {
        this.beanFactory = beanFactory;
        this.environment = environment;
        this.defaults = defaults;
        this.overrides = new LinkedHashMap<>(overrides);
    }

    /**
     * The declared mounts, sorted by order (declaration order within one order), disabled ones left
     * out. Instantiates the filesystem beans.
     * @throws MountDeclarationException naming the bean when a declaration cannot be mounted
     */
    public List<DeclaredMount> resolve() {
        List<DeclaredMount> declared = new ArrayList<>();
        Map<String, DeclaredMount> byName = new HashMap<>();
        Map<Path, DeclaredMount> byPath = new HashMap<>();
        Map<String, MountOverride> unused = new LinkedHashMap<>(this.overrides);
        for (String beanName : this.beanFactory.getBeanNamesForAnnotation(FuseFilesystem.class)) {
            FuseFilesystem annotation = this.beanFactory.findAnnotationOnBean(beanName, FuseFilesystem.class);
            if (annotation == null) {
                continue;
            }
            String name = annotation.name().isEmpty() ? beanName : annotation.name();
            String overrideKey = overrideKey(name);
            MountOverride override = (overrideKey != null) ? unused.remove(overrideKey) : null;
            FuseFS filesystem = filesystem(beanName);
            if (override != null && !override.enabled()) {
                logger.info("FUSE mount '{}' (bean '{}') is disabled by fuse.mounts.{}.enabled=false", name, beanName,
                        overrideKey);
                continue;
            }
            DeclaredMount mount = declare(beanName, name, annotation, override, filesystem);
            DeclaredMount sameName = byName.putIfAbsent(name, mount);
            if (sameName != null) {
                throw new MountDeclarationException(beanName,
                        "@FuseFilesystem beans '" + sameName.beanName() + "' and '" + beanName
                                + "' both declare the mount name '" + name + "'",
                        "Give one of them another name with @FuseFilesystem(name = ...)");
            }
            Path directory = mount.spec().mountPoint().normalize();
            DeclaredMount sameDirectory = byPath.putIfAbsent(directory, mount);
            if (sameDirectory != null) {
                throw new MountDeclarationException(beanName,
                        "@FuseFilesystem beans '" + sameDirectory.beanName() + "' and '" + beanName
                                + "' both mount on " + directory,
                        "Give each mount its own directory (@FuseFilesystem(mountPoint = ...) or fuse.mounts."
                                + name + ".mount-point)");
            }
            declared.add(mount);
        }
        if (!unused.isEmpty()) {
            String key = unused.keySet().iterator().next();
            throw new MountDeclarationException(null,
                    "fuse.mounts." + key + " configures a mount that no @FuseFilesystem bean declares (declared: "
                            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")",
                    "Use the mount's name (@FuseFilesystem(name = ...), or else its bean name) as the key, or "
                            + "remove the entry");
        }
        checkNesting(declared);
        declared.sort(Comparator.comparingInt(DeclaredMount::order));
        return List.copyOf(declared);
    }

    /**
     * A mount point inside another mount's directory only exists once that mount is up, so it must be
     * mounted in a later group (a higher order), and is then unmounted first.
     */
    private static void checkNesting(List<DeclaredMount> declared) {
        for (DeclaredMount outer : declared) {
            Path outerDir = outer.spec().mountPoint().normalize();
            for (DeclaredMount inner : declared) {
                Path innerDir = inner.spec().mountPoint().normalize();
                if (inner != outer && innerDir.startsWith(outerDir) && inner.order() <= outer.order()) {
                    throw new MountDeclarationException(inner.beanName(), "FUSE mount '" + inner.name() + "' on "
                            + innerDir + " lies inside mount '" + outer.name() + "' on " + outerDir
                            + ", so it can only be mounted after it, but its order (" + inner.order()
                            + ") is not higher than " + outer.order(),
                            "Give '" + inner.name() + "' a higher order than '" + outer.name()
                                    + "' (@FuseFilesystem(order = ...) or fuse.mounts." + inner.name() + ".order)");
                }
            }
        }
    }

    /** Keys match exactly, or else ignoring case and separators (as environment variables are written). */
    private String overrideKey(String name) {
        if (this.overrides.containsKey(name)) {
            return name;
        }
        for (String key : this.overrides.keySet()) {
            if (canonical(key).equals(canonical(name))) {
                return key;
            }
        }
        return null;
    }

    private static String canonical(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    private FuseFS filesystem(String beanName) {
        Object bean = this.beanFactory.getBean(beanName);
        if (!(bean instanceof FuseFS filesystem)) {
            throw new MountDeclarationException(beanName,
                    "@FuseFilesystem bean '" + beanName + "' is a " + bean.getClass().getName()
                            + ", not a jnr-fuse AbstractFuseFS",
                    "Put @FuseFilesystem on a class, or on a @Bean method, whose bean extends "
                            + "ru.serce.jnrfuse.AbstractFuseFS (for example FuseStubFS)");
        }
        return filesystem;
    }

    private DeclaredMount declare(String beanName, String name, FuseFilesystem annotation, MountOverride override,
            FuseFS filesystem) {
        Path mountPoint = mountPoint(beanName, name, annotation, override);
        boolean readOnly = (override != null && override.readOnly() != null) ? override.readOnly()
                : annotation.readOnly();
        List<String> options = new ArrayList<>();
        if (override != null && override.options() != null) {
            options.addAll(override.options());
        }
        else {
            Arrays.stream(annotation.options()).map((option) -> resolve(beanName, option)).forEach(options::add);
        }
        int order = (override != null && override.order() != null) ? override.order() : annotation.order();
        MountSpec.Builder builder = this.defaults.builder(name, mountPoint, filesystem)
            .readOnly(readOnly)
            .createMountPoint(annotation.createMountPoint())
            .options(options);
        if (override != null && override.mountStrategy() != null) {
            builder.mountStrategy(override.mountStrategy());
        }
        MountSpec spec = builder.build();
        return new DeclaredMount(beanName, spec, order);
    }

    private Path mountPoint(String beanName, String name, FuseFilesystem annotation, MountOverride override) {
        if (override != null && override.mountPoint() != null) {
            return Path.of(override.mountPoint());
        }
        String value = resolve(beanName, annotation.mountPoint());
        if (value.isBlank()) {
            throw new MountDeclarationException(beanName,
                    "@FuseFilesystem bean '" + beanName + "' (mount '" + name + "') has no mount point",
                    "Set @FuseFilesystem(mountPoint = ...) or the property fuse.mounts." + name + ".mount-point");
        }
        Path path = Path.of(value.trim());
        if (!path.isAbsolute()) {
            throw new MountDeclarationException(beanName,
                    "@FuseFilesystem bean '" + beanName + "' has the mount point '" + value
                            + "', which is not an absolute path",
                    "Give an absolute directory, e.g. /srv/fuse/" + name);
        }
        return path;
    }

    private String resolve(String beanName, String value) {
        try {
            return this.environment.resolveRequiredPlaceholders(value);
        }
        catch (IllegalArgumentException ex) {
            throw new MountDeclarationException(beanName, "@FuseFilesystem bean '" + beanName + "': cannot resolve '"
                    + value + "': " + ex.getMessage(),
                    "Define the property, or give the placeholder a default (${name:default})");
        }
    }

}
