// The JVM options this module's child JVMs inherit from the test JVM.
package io.github.fusespringboot.test;

import java.util.List;

import io.github.fusespringboot.mount.SessionEngine;

/**
 * What every child JVM of these tests is given from the test JVM: the session engine chosen with
 * {@code -Dfuse.engine}, so {@code mvn verify -Dfuse.engine=protocol} tests that engine in the
 * children too. Empty when the test JVM has no choice (the children then use the default).
 */
final class InheritedOptions {

    private InheritedOptions() {
    }

    static List<String> get() {
        String engine = System.getProperty(SessionEngine.PROPERTY);
        return (engine == null || engine.isBlank()) ? List.of() : List.of("-D" + SessionEngine.PROPERTY + "=" + engine);
    }

}
