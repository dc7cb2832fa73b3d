// Runs the kit's dynamic tests in-process and records each check's verdict, for tests about the kit itself.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.fusespringboot.test.conformance.natives.Syscalls;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/** The verdicts of one run of the catalogue: passed, failed (with message) or skipped (with reason). */
record ConformanceRun(List<Verdict> verdicts) {

    enum Status {

        PASSED, FAILED, SKIPPED

    }

    /** One check: "capability title [NAME] > check name", its status, and its failure message or skip reason. */
    record Verdict(String path, Status status, String message) {

        @Override
        public String toString() {
            return this.status + " " + this.path + ((this.message != null) ? ": " + this.message : "");
        }

    }

    static ConformanceRun of(Stream<DynamicNode> nodes) {
        List<Verdict> verdicts = new ArrayList<>();
        nodes.forEach((node) -> execute("", node, verdicts));
        return new ConformanceRun(verdicts);
    }

    private static void execute(String prefix, DynamicNode node, List<Verdict> verdicts) {
        String path = prefix.isEmpty() ? node.getDisplayName() : prefix + " > " + node.getDisplayName();
        if (node instanceof DynamicContainer container) {
            container.getChildren().forEach((child) -> execute(path, child, verdicts));
            return;
        }
        try {
            ((DynamicTest) node).getExecutable().execute();
            verdicts.add(new Verdict(path, Status.PASSED, null));
        }
        catch (TestAbortedException ex) {
            verdicts.add(new Verdict(path, Status.SKIPPED, ex.getMessage()));
        }
        catch (Throwable ex) {
            verdicts.add(new Verdict(path, Status.FAILED, String.valueOf(ex.getMessage())));
        }
    }

    /**
     * The same dynamic tests, except that a skipped check fails: for the control, where nothing may be
     * skipped (but for the root-only checks when not run as root).
     */
    static Stream<DynamicNode> strict(Stream<? extends DynamicNode> nodes) {
        return nodes.map((node) -> strict(node));
    }

    private static DynamicNode strict(DynamicNode node) {
        if (node instanceof DynamicContainer container) {
            return DynamicContainer.dynamicContainer(container.getDisplayName(), strict(container.getChildren()));
        }
        DynamicTest test = (DynamicTest) node;
        return DynamicTest.dynamicTest(test.getDisplayName(), () -> {
            try {
                test.getExecutable().execute();
            }
            catch (TestAbortedException ex) {
                if (Syscalls.geteuid() != 0 && String.valueOf(ex.getMessage()).startsWith("this check needs root")) {
                    // run as a normal user, the checks of chown and of other users cannot run anywhere
                    throw ex;
                }
                throw new AssertionError("skipped on the control, where every check must run: " + ex.getMessage(), ex);
            }
        });
    }

    List<Verdict> with(Status status) {
        return this.verdicts.stream().filter((v) -> v.status() == status).toList();
    }

    List<Verdict> in(Capability capability) {
        return this.verdicts.stream().filter((v) -> v.path().contains("[" + capability.name() + "]")).toList();
    }

    Verdict named(String checkName) {
        return this.verdicts.stream()
            .filter((v) -> v.path().endsWith(" > " + checkName))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no check named " + checkName));
    }

}
