package io.ringcast.broadcast.testing;

/** Finds the JVM's live threads by name, for tests that watch a server thread's state. */
public final class LiveThreads {
    private LiveThreads() {
    }

    /** The live thread called {@code name}; fails the test when there is none. */
    public static Thread named(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no live thread " + name));
    }
}
