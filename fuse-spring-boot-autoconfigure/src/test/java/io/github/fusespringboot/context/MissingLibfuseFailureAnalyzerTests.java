package io.github.fusespringboot.context;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class MissingLibfuseFailureAnalyzerTests {

    private final MissingLibfuseFailureAnalyzer analyzer = new MissingLibfuseFailureAnalyzer();

    @Test
    void aMissingLibfuseWhileCreatingABeanNamesTheBeanTheLibraryAndThePackages() {
        FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("app.Config", "files",
                "Factory method 'files' threw exception",
                new UnsatisfiedLinkError("libfuse.so.2: cannot open shared object file: No such file or directory")));
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("libfuse.so.2", "while creating the bean 'files'",
                "defined in app.Config", "cannot open shared object file");
        assertThat(analysis.getAction()).contains("Either extend io.github.fusespringboot.mount.ManagedFuseStubFS "
                + "instead of jnr-fuse's FuseStubFS for the bean 'files'", "mounts where libfuse2 is not installed",
                "Or keep FuseStubFS and install libfuse 2.9", "apt-get install libfuse2;",
                "apt-get install libfuse2t64", "dnf install fuse-libs", "apk add fuse")
            .doesNotContain("fuse.engine");
    }

    @Test
    void otherNativeLibrariesAreLeftToOtherAnalyzers() {
        assertThat(this.analyzer.analyze(new IllegalStateException("boom",
                new UnsatisfiedLinkError("libsomething.so: cannot open shared object file")))).isNull();
    }

    @Test
    void isRegisteredWithSpringBoot() {
        assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
            .load(FailureAnalyzer.class, (type, implementation, failure) -> {
            })).hasAtLeastOneElementOfType(MissingLibfuseFailureAnalyzer.class);
    }

}
