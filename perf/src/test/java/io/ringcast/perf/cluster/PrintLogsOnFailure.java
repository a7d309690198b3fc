package io.ringcast.perf.cluster;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Supplier;

/** Prints the end of every process's log of the class's topology when a test fails (on the test thread). */
final class PrintLogsOnFailure implements TestWatcher {
    private final Supplier<Topology> topology;

    PrintLogsOnFailure(Supplier<Topology> topology) {
        this.topology = topology;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Topology current = topology.get();
        if (current != null) {
            System.out.println("==== logs after " + context.getDisplayName() + " failed ====\n" + current.logTails());
        }
    }
}
