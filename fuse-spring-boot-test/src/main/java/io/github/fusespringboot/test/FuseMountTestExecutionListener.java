// Spring TestContext hook: closes a @FuseMountTest class's context after the class and fails it on leaks.
package io.github.fusespringboot.test;

import java.nio.file.Path;
import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.test.annotation.DirtiesContext.HierarchyMode;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.TestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories} (a default listener; a class that lists its own
 * {@code @TestExecutionListeners} without merging them must name it). For a {@link FuseMountTest}
 * class: before the class, records which {@code /dev/fuse} descriptors and serving threads exist;
 * after it, closes the class's context (removing it from the context cache), so its mounts are
 * unmounted, and fails the class if anything of FUSE is left below the context's temporary directory
 * or in the JVM. Runs inside Spring's own callbacks, so it sees the context closed whatever order the
 * class's extensions were declared in.
 */
public final class FuseMountTestExecutionListener implements TestExecutionListener, Ordered {

    private static final String BASELINE = FuseMountTestExecutionListener.class.getName() + ".baseline";

    /** Late in the chain, so first to run after the class: the context is closed before others look. */
    private static final int ORDER = 20_000;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void beforeTestClass(TestContext testContext) {
        if (applies(testContext)) {
            testContext.setAttribute(BASELINE, FuseLeakCheck.Baseline.take());
        }
    }

    @Override
    public void afterTestClass(TestContext testContext) {
        if (!applies(testContext)
                || !(testContext.removeAttribute(BASELINE) instanceof FuseLeakCheck.Baseline baseline)) {
            return;
        }
        if (testContext.hasApplicationContext()) {
            testContext.markApplicationContextDirty(HierarchyMode.EXHAUSTIVE); // closes it now
        }
        List<Path> directories = DeclaredMountPoints.remove(testContext.getTestClass())
            .stream()
            .map(DeclaredMountPoints.Redirected::directory)
            .toList();
        List<String> leaks = FuseLeakCheck.leaksAfter(directories, baseline);
        directories.forEach(TestDirectories::delete);
        if (!leaks.isEmpty()) {
            throw new AssertionError("The application context of " + testContext.getTestClass().getName()
                    + " left FUSE state behind after it was closed: " + String.join(", ", leaks));
        }
    }

    private static boolean applies(TestContext testContext) {
        return TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), FuseMountTest.class);
    }

}
