// The whole catalogue of checks, in a stable order, looked up by capability.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every check of the kit; {@link #of(Capability)} gives one capability's, in catalogue order. */
final class Catalogue {

    private static final List<Check> ALL = Stream
        .of(ReadOnlyChecks.checks(), CreateWriteChecks.checks(), DirectoryChecks.checks(), RenameChecks.checks(),
                LinkChecks.checks(), AttributeChecks.checks(), SizeChecks.checks(), RangeChecks.checks(),
                DataChecks.checks(), XattrChecks.checks(), SpecialFileChecks.checks(), BigDirectoryChecks.checks(),
                MultiUserChecks.checks())
        .flatMap(List::stream)
        .toList();

    private Catalogue() {
    }

    static List<Check> of(Capability capability) {
        List<Check> checks = new ArrayList<>();
        for (Check check : ALL) {
            if (check.capability() == capability) {
                checks.add(check);
            }
        }
        return checks;
    }

    static int size() {
        return ALL.size();
    }

}
