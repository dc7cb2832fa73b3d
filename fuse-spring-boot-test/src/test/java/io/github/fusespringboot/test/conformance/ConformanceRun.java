// Runs the kit's dynamic tests in-process and records each check's verdict, for tests about the kit itself.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
