// Runs test classes through the JUnit Platform launcher and records how each test and container ended.
package io.github.fusespringboot.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What a run of small test classes did, as the build would report it: which tests and containers
 * succeeded, failed (with the message) or were skipped (with the reason). In-process with
 * {@link #of(Class...)}; in a child JVM through {@link #main(String[])}, which prints one
 * {@code RESULT} line per outcome.
 */
record TestClassRun(List<Outcome> outcomes) {

    /** One test or container: {@code SUCCESSFUL}, {@code FAILED}, {@code ABORTED} or {@code SKIPPED}. */
    record Outcome(String name, boolean container, String status, String detail) {

        String line() {
            return "RESULT " + this.status + " " + (this.container ? "container " : "test ") + this.name + " :: "
                    + this.detail.replace('\n', ' ');
        }

    }

    static TestClassRun of(Class<?>... classes) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> type : classes) {
            request.selectors(DiscoverySelectors.selectClass(type));
        }
        return run(request.build());
    }

    static TestClassRun of(List<String> classNames) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : classNames) {
            request.selectors(DiscoverySelectors.selectClass(name));
        }
        return run(request.build());
    }

    private static TestClassRun run(LauncherDiscoveryRequest request) {
        List<Outcome> outcomes = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                outcomes.add(new Outcome(id.getDisplayName(), id.isContainer(), "SKIPPED", reason));
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.getParentId().isEmpty()) {
                    return; // the engine itself
                }
                String detail = result.getThrowable().map(TestClassRun::describe).orElse("");
                outcomes.add(new Outcome(id.getDisplayName(), id.isContainer(), result.getStatus().name(), detail));
            }

        });
        return new TestClassRun(List.copyOf(outcomes));
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        for (Throwable suppressed : error.getSuppressed()) {
            text.append(" [suppressed: ").append(suppressed).append(']');
        }
        return text.toString();
    }

    /** The outcome of the class ({@code Outer$Name} for a nested one), or of the test method {@code name(...)}. */
    Outcome outcome(String name) {
        Optional<Outcome> found = this.outcomes.stream()
            .filter((o) -> o.name().equals(name) || o.name().endsWith("$" + name) || o.name().startsWith(name + "("))
            .findFirst();
        return found.orElseThrow(() -> new AssertionError("no outcome for " + name + " in " + this.outcomes));
    }

    /** Child JVM entry point: runs the named classes and prints one {@code RESULT} line per outcome. */
    public static void main(String[] args) {
        for (Outcome outcome : of(List.of(args)).outcomes()) {
            System.out.println(outcome.line());
        }
        System.out.flush();
        System.exit(0);
    }

}
