// Redirects every @FuseFilesystem bean of a test's context to a temporary directory, before anything is mounted.
package io.github.fusespringboot.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.mount.MountStrategy;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Once the bean definitions are known (a bean factory post-processor, so before the mounts are read),
 * sets {@code fuse.mounts.<name>.mount-point} to {@code <temporary directory>/<name>} for each mount
 * declared with {@code @FuseFilesystem} (named as the starter names them: the annotation's
 * {@code name}, else the bean name), in a property source that wins over the application's own
 * configuration; and {@code fuse.mount-strategy=fusermount} where only the helper can mount. Equal
 * only for the same test class, so each such class gets a context of its own, which
 * {@link FuseMountTestExecutionListener} closes after the class.
 */
final class FuseMountContextCustomizer implements ContextCustomizer {

    /** The name of the property source holding the redirected mount points. */
    static final String PROPERTY_SOURCE = "fuseMountTest";

    private final Class<?> testClass;

    FuseMountContextCustomizer(Class<?> testClass) {
        this.testClass = testClass;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        FuseAvailability availability = FuseAvailability.current();
        if (!availability.usable()) {
            return; // the extension skips the class; nothing here would mount anyway
        }
        Path directory = TestDirectories.create(this.testClass.getSimpleName() + ".context");
        // known at once, so the directory is removed after the class even if the context never starts
        DeclaredMountPoints.register(this.testClass, new DeclaredMountPoints.Redirected(directory, Map.of()));
        context.addBeanFactoryPostProcessor(new Redirect(context, directory, availability.strategy()));
    }

    private final class Redirect implements BeanFactoryPostProcessor {

        private final ConfigurableApplicationContext context;

        private final Path directory;

        private final MountStrategy strategy;

        Redirect(ConfigurableApplicationContext context, Path directory, MountStrategy strategy) {
            this.context = context;
            this.directory = directory;
            this.strategy = strategy;
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            Map<String, Path> mountPoints = new LinkedHashMap<>();
            Map<String, Object> properties = new LinkedHashMap<>();
            for (String beanName : beanFactory.getBeanNamesForAnnotation(FuseFilesystem.class)) {
                FuseFilesystem annotation = beanFactory.findAnnotationOnBean(beanName, FuseFilesystem.class);
                if (annotation == null) {
                    continue;
                }
                String name = annotation.name().isEmpty() ? beanName : annotation.name();
                Path mountPoint = createDirectory(this.directory.resolve(name));
                mountPoints.put(name, mountPoint);
                properties.put("fuse.mounts." + name + ".mount-point", mountPoint.toString());
            }
            if (this.strategy == MountStrategy.FUSERMOUNT) {
                properties.put("fuse.mount-strategy", "fusermount");
            }
            this.context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
            DeclaredMountPoints.register(FuseMountContextCustomizer.this.testClass,
                    new DeclaredMountPoints.Redirected(this.directory, mountPoints));
        }

    }

    /** Made here, so that a declaration with {@code createMountPoint = false} mounts just as well. */
    private static Path createDirectory(Path mountPoint) {
        try {
            return Files.createDirectories(mountPoint);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot create the test mount point " + mountPoint, ex);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FuseMountContextCustomizer customizer && customizer.testClass == this.testClass;
    }

    @Override
    public int hashCode() {
        return this.testClass.hashCode();
    }

}
