package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Ffmpeg;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A test class's namespace hosts, as a static {@code @RegisterExtension}: before the class, skips it where ffmpeg or
 * {@code ip netns} is missing, starts the topology and runs the class's setup on it (an encoder, a wait); after the
 * class, removes everything (also when the setup failed); when a test fails, prints the end of every process's log.
 */
final class TopologyPerClass implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final Supplier<Topology> start;
    private final Consumer<Topology> setup;
    private volatile Topology topology;

    TopologyPerClass(Supplier<Topology> start) {
        this(start, started -> {
        });
    }

    TopologyPerClass(Supplier<Topology> start, Consumer<Topology> setup) {
        this.start = start;
        this.setup = setup;
    }

    /** The running topology; only between the class's start and end. */
    Topology get() {
        Topology current = topology;
        if (current == null) {
            throw new IllegalStateException("the topology is not running");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Ffmpeg.assumeInstalled();
        Netns.assumeAvailable();
        topology = start.get();
        setup.accept(topology);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Topology current = topology;
        topology = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Topology current = topology;
        if (current != null) {
            System.out.println("==== logs after " + context.getDisplayName() + " failed ====\n" + current.logTails());
        }
    }
}
