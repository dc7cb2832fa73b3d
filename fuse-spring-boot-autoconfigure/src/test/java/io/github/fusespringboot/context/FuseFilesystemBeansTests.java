package io.github.fusespringboot.context;

import java.nio.file.Files;
import java.util.List;

import io.github.fusespringboot.FuseFilesystem;
import io.github.fusespringboot.autoconfigure.FuseAutoConfiguration;
import io.github.fusespringboot.mount.FuseTestExtension;
import io.github.fusespringboot.mount.MountSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import ru.serce.jnrfuse.examples.HelloFuse;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;

/** How @FuseFilesystem declarations and fuse.mounts.* combine, and how misuse is reported. */
@ExtendWith(FuseTestExtension.class)
class FuseFilesystemBeansTests {

    private final Timeline timeline = new Timeline();

    private ApplicationContextRunner runner(FuseTestExtension.Fixture fx) {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FuseAutoConfiguration.class))
            .withBean(Timeline.class, () -> this.timeline)
            .withPropertyValues("test.root=" + fx.root());
    }

    @Test
    void mountPointPlaceholdersAreResolvedAndTheNameDefaultsToTheBeanName(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class).run((context) -> {
            DeclaredMount hello = single(context);
            assertThat(hello.name()).isEqualTo("hello");
            assertThat(hello.beanName()).isEqualTo("hello");
            assertThat(hello.spec().mountPoint()).isEqualTo(fx.path("hello"));
            assertThat(hello.spec().createMountPoint()).isTrue();
            assertThat(hello.spec().readOnly()).isFalse();
            assertThat(Files.readString(fx.path("hello").resolve("hello"))).isEqualTo("Hello World!");
        });
    }

    @Test
    void annotatedComponentClassesAreMountedToo(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(HelloComponent.class).run((context) -> {
            DeclaredMount component = single(context);
            assertThat(component.name()).isEqualTo("component-hello");
            assertThat(component.spec().readOnly()).isTrue();
            assertThat(component.spec().filesystem()).isSameAs(context.getBean(HelloComponent.class));
            assertThat(MountInfo.find(fx.path("component"))).hasValueSatisfying(
                    (entry) -> assertThat(entry.readOnly()).isTrue());
        });
    }

    @Test
    void propertiesWinOverTheAnnotation(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class)
            .withPropertyValues("fuse.default-options=attr_timeout=2", "fuse.multithreaded=false",
                    "fuse.max-threads=3", "fuse.mount-timeout=7s", "fuse.unmount-timeout=3s",
                    "fuse.mounts.hello.mount-point=" + fx.path("elsewhere"), "fuse.mounts.hello.read-only=true",
                    "fuse.mounts.hello.options=default_permissions", "fuse.mounts.hello.order=4")
            .run((context) -> {
                DeclaredMount hello = single(context);
                MountSpec spec = hello.spec();
                assertThat(spec.mountPoint()).isEqualTo(fx.path("elsewhere"));
                assertThat(spec.readOnly()).isTrue();
                // defaults first, then the properties' options instead of the annotation's max_read
                assertThat(spec.options()).containsExactly("attr_timeout=2", "default_permissions");
                assertThat(hello.order()).isEqualTo(4);
                assertThat(spec.multithreaded()).isFalse();
                assertThat(spec.maxThreads()).isEqualTo(3);
                assertThat(spec.mountTimeout()).hasSeconds(7);
                assertThat(spec.unmountTimeout()).hasSeconds(3);
                assertThat(MountInfo.find(fx.path("elsewhere"))).hasValueSatisfying((entry) -> {
                    assertThat(entry.readOnly()).isTrue();
                    assertThat(entry.superOptions()).contains("default_permissions").doesNotContain("max_read=65536");
                });
                assertThat(MountInfo.isMounted(fx.path("hello"))).isFalse();
            });
    }

    @Test
    void theMountPointCanComeFromPropertiesAlone(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(NoMountPoint.class)
            .withPropertyValues("fuse.mounts.configured.mount-point=" + fx.path("from-properties"))
            .run((context) -> {
                assertThat(single(context).spec().mountPoint()).isEqualTo(fx.path("from-properties"));
                assertThat(MountInfo.isMounted(fx.path("from-properties"))).isTrue();
            });
    }

    @Test
    void propertyKeysMatchMountNamesWrittenInAnotherCase(FuseTestExtension.Fixture fx) {
        // as FUSE_MOUNTS_CAMELCASEMOUNT_MOUNTPOINT in the environment would bind to the key "camelcasemount"
        runner(fx).withUserConfiguration(CamelCaseName.class)
            .withPropertyValues("fuse.mounts.camel-case-mount.mount-point=" + fx.path("camel"))
            .run((context) -> assertThat(single(context).spec().mountPoint()).isEqualTo(fx.path("camel")));
    }

    @Test
    void aDisabledMountIsNotMounted(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class, NoMountPoint.class)
            .withPropertyValues("fuse.mounts.configured.enabled=false")
            .run((context) -> {
                assertThat(context.getBean(FuseLifecycle.class).declaredMounts()).extracting(DeclaredMount::name)
                    .containsExactly("hello");
                assertThat(MountInfo.fuseMountsUnder(fx.root())).hasSize(1);
            });
    }

    @Test
    void aBeanThatIsNotAFilesystemFailsStartupNamingIt(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(NotAFilesystem.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure.beanName()).isEqualTo("notAFilesystem");
            assertThat(failure).hasMessageContaining("'notAFilesystem'")
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining("AbstractFuseFS");
        });
        assertNothingMounted(fx);
    }

    @Test
    void aMissingMountPointFailsStartupNamingTheBeanAndTheProperty(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(NoMountPoint.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure).hasMessageContaining("'configured'").hasMessageContaining("no mount point");
            assertThat(failure.action()).contains("fuse.mounts.configured.mount-point");
            FailureAnalysis analysis = new MountFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("'configured'");
            assertThat(analysis.getAction()).contains("fuse.mounts.configured.mount-point");
        });
    }

    @Test
    void twoMountsWithTheSameNameFailStartupNamingBothBeans(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(SameName.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure).hasMessageContaining("'first'")
                .hasMessageContaining("'second'")
                .hasMessageContaining("mount name 'twin'");
        });
        assertNothingMounted(fx);
    }

    @Test
    void twoMountsOnTheSameDirectoryFailStartupNamingBothBeansAndLeaveNothingMounted(
            FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class, SameDirectory.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure).hasMessageContaining("'here'")
                .hasMessageContaining("'alsoHere'")
                .hasMessageContaining(fx.path("shared").toString());
        });
        assertThat(this.timeline.events()).isEmpty();
        assertNothingMounted(fx);
    }

    @Test
    void aRelativeMountPointFailsStartupNamingTheBean(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(RelativeMountPoint.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure).hasMessageContaining("'relative'").hasMessageContaining("'mnt/relative'")
                .hasMessageContaining("not an absolute path");
        });
        assertNothingMounted(fx);
    }

    @Test
    void anUnresolvablePlaceholderFailsStartupNamingTheBean(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(UnresolvablePlaceholder.class).run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure).hasMessageContaining("'unresolvable'").hasMessageContaining("no.such.property");
        });
        assertNothingMounted(fx);
    }

    @Test
    void propertiesForAnUndeclaredMountFailStartupNamingTheKey(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class)
            .withPropertyValues("fuse.mounts.helo.read-only=true")
            .run((context) -> {
                MountDeclarationException failure = declarationFailure(context);
                assertThat(failure).hasMessageContaining("fuse.mounts.helo").hasMessageContaining("declared: hello");
            });
        assertNothingMounted(fx);
    }

    @Test
    void aMountInsideAnotherMustComeInALaterOrderGroup(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(Nested.class).withPropertyValues("fuse.mounts.inner.order=0").run((context) -> {
            MountDeclarationException failure = declarationFailure(context);
            assertThat(failure.getMessage()).contains("'inner'", "lies inside mount 'outer'", fx.path("outer").toString(),
                    "is not higher than");
            assertNothingMounted(fx);
        });
    }

    @Test
    void aMountInsideAnotherIsMountedAfterItAndUnmountedBeforeIt(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(Nested.class).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(Files.readString(fx.path("outer").resolve("inner/hello"))).isEqualTo("Hello World!");
            assertThat(MountInfo.isMounted(fx.path("outer"))).isTrue();
        });
        assertNothingMounted(fx);
    }

    @Test
    void theMountStrategyComesFromThePropertiesGloballyOrPerMount(FuseTestExtension.Fixture fx) {
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class)
            .withPropertyValues("fuse.mount-strategy=fusermount")
            .run((context) -> {
                DeclaredMount hello = single(context);
                assertThat(hello.spec().mountStrategy()).isEqualTo(io.github.fusespringboot.mount.MountStrategy.FUSERMOUNT);
                // mounted through the helper (as root here), and served as usual
                assertThat(Files.readString(fx.path("hello").resolve("hello"))).isEqualTo("Hello World!");
            });
        runner(fx).withUserConfiguration(AnnotatedBeanMethod.class)
            .withPropertyValues("fuse.mount-strategy=fusermount", "fuse.mounts.hello.mount-strategy=direct")
            .run((context) -> assertThat(single(context).spec().mountStrategy())
                .isEqualTo(io.github.fusespringboot.mount.MountStrategy.DIRECT));
        assertNothingMounted(fx);
    }

    private static DeclaredMount single(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        List<DeclaredMount> declared = context.getBean(FuseLifecycle.class).declaredMounts();
        assertThat(declared).hasSize(1);
        DeclaredMount mount = declared.get(0);
        assertThat(mount.failure()).isEmpty();
        assertThat(mount.mount()).isPresent();
        return mount;
    }

    private static MountDeclarationException declarationFailure(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        return FuseLifecycleTests.findCause(context.getStartupFailure(), MountDeclarationException.class);
    }

    private static void assertNothingMounted(FuseTestExtension.Fixture fx) {
        assertThat(MountInfo.fuseMountsUnder(fx.root())).isEmpty();
    }

    @Configuration(proxyBeanMethods = false)
    static class AnnotatedBeanMethod {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/hello", options = "max_read=65536")
        HelloFuse hello() {
            return new HelloFuse();
        }

    }

    @Component
    @FuseFilesystem(name = "component-hello", mountPoint = "${test.root}/component", readOnly = true)
    static class HelloComponent extends HelloFuse {

    }

    @Configuration(proxyBeanMethods = false)
    static class Nested {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/outer")
        ru.serce.jnrfuse.examples.MemoryFS outer() {
            return new ru.serce.jnrfuse.examples.MemoryFS();
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/outer/inner", order = 1)
        HelloFuse inner() {
            return new HelloFuse();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class NoMountPoint {

        @Bean
        @FuseFilesystem
        HelloFuse configured() {
            return new HelloFuse();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class CamelCaseName {

        @Bean
        @FuseFilesystem
        HelloFuse camelCaseMount() {
            return new HelloFuse();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class NotAFilesystem {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/string")
        String notAFilesystem() {
            return "not a filesystem";
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class SameName {

        @Bean
        @FuseFilesystem(name = "twin", mountPoint = "${test.root}/first")
        HelloFuse first() {
            return new HelloFuse();
        }

        @Bean
        @FuseFilesystem(name = "twin", mountPoint = "${test.root}/second")
        HelloFuse second() {
            return new HelloFuse();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class SameDirectory {

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/shared")
        RecordingFilesystem here(Timeline timeline) {
            return new RecordingFilesystem("here", timeline);
        }

        @Bean
        @FuseFilesystem(mountPoint = "${test.root}/./shared/")
        RecordingFilesystem alsoHere(Timeline timeline) {
            return new RecordingFilesystem("alsoHere", timeline);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class RelativeMountPoint {

        @Bean
        @FuseFilesystem(mountPoint = "mnt/relative")
        HelloFuse relative() {
            return new HelloFuse();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class UnresolvablePlaceholder {

        @Bean
        @FuseFilesystem(mountPoint = "${no.such.property}/x")
        HelloFuse unresolvable() {
            return new HelloFuse();
        }

    }

}
