// One check of the catalogue: its capability, its name, and what it does in its scratch directory.
package io.github.fusespringboot.test.conformance;

import java.util.EnumSet;
import java.util.Set;

/** A named check; run by {@link FuseConformance} as one dynamic test. */
record Check(Capability capability, String name, Set<Capability> alsoNeeds, boolean needsRoot, Body body) {

    /** What a check does; its failures are {@link Call} and {@link Expect} assertion errors. */
    @FunctionalInterface
    interface Body {

        void run(Scratch scratch) throws Exception;

    }

    static Check of(Capability capability, String name, Body body) {
        return new Check(capability, name, Set.of(), false, body);
    }

    /** The same check, skipped unless {@code more} are declared too. */
    Check needs(Capability... more) {
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        needs.addAll(this.alsoNeeds);
        needs.addAll(Set.of(more));
        return new Check(this.capability, this.name, needs, this.needsRoot, this.body);
    }

    /** The same check, skipped unless the kit runs as root. */
    Check asRoot() {
        return new Check(this.capability, this.name, this.alsoNeeds, true, this.body);
    }

}
