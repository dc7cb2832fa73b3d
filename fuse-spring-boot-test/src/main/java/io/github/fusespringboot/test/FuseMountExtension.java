// The JUnit 5 extension behind @FuseMountTest: skips where FUSE is unusable, hands out FuseMounts, checks for leaks.
package io.github.fusespringboot.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Registered by {@link FuseMountTest}. As an {@link ExecutionCondition} it disables (skips, with the
 * reason) a class or test where this process cannot mount; before each test it records which
 * {@code /dev/fuse} descriptors and serving threads exist and prepares the test's {@link FuseMounts}
 * on a fresh temporary directory; after each test it unmounts what the test mounted there, then fails
 * the test with a list of whatever FUSE state is left (which it aborts and detaches). A test (or a
 * {@code @BeforeAll}/{@code @BeforeEach} method) that constructs a jnr-fuse {@code FuseStubFS} where
 * libfuse2 is missing is skipped with the reason instead of failing with jnr-fuse's error.
 */
public final class FuseMountExtension implements ExecutionCondition, BeforeEachCallback, AfterEachCallback,
        ParameterResolver, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
        .create(FuseMountExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        FuseAvailability availability = FuseAvailability.current();
        return availability.usable() ? ConditionEvaluationResult.enabled(availability.reason())
                : ConditionEvaluationResult.disabled(availability.reason());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        FuseLeakCheck.Baseline baseline = FuseLeakCheck.Baseline.take();
        Path directory = TestDirectories
            .create(context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        FuseMounts mounts = new FuseMounts(directory, FuseAvailability.current().strategy(),
                context.getRequiredTestClass());
        context.getStore(NAMESPACE).put(Fixture.class, new Fixture(mounts, baseline));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Fixture fixture = context.getStore(NAMESPACE).remove(Fixture.class, Fixture.class);
        if (fixture == null) {
            return;
        }
        List<String> problems = new ArrayList<>(fixture.mounts().close());
        Path directory = fixture.mounts().directory();
        problems.addAll(FuseLeakCheck.leaksAfter(List.of(directory), fixture.baseline()));
        TestDirectories.delete(directory);
        if (!problems.isEmpty()) {
            throw new AssertionError("The test left FUSE state behind: " + String.join(", ", problems));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == FuseMounts.class && context.getTestMethod().isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Fixture fixture = context.getStore(NAMESPACE).get(Fixture.class, Fixture.class);
        if (fixture == null) {
            throw new IllegalStateException("FuseMounts is available in test methods and in @BeforeEach/@AfterEach "
                    + "methods of a @FuseMountTest class");
        }
        return fixture.mounts();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw skipIfLibfuse2IsMissing(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw skipIfLibfuse2IsMissing(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw skipIfLibfuse2IsMissing(failure);
    }

    private static Throwable skipIfLibfuse2IsMissing(Throwable failure) {
        return MissingLibfuse2.reason(failure).<Throwable>map((reason) -> new TestAbortedException(reason, failure))
            .orElse(failure);
    }

    /** One test's mounts and what existed before it. */
    private record Fixture(FuseMounts mounts, FuseLeakCheck.Baseline baseline) {
    }

}
