package io.ringcast.ingest.relay;

/**
 * Where relays run their work: attempts (connect and pull or push, blocking) on a bounded pool, and deadlines on the
 * engine's injected clock, so that no thread is held while a relay waits to retry. Tests drive both from the test
 * thread with a manual clock.
 */
public interface RelayTasks {
    /** Runs {@code task} on the relay pool. */
    void execute(Runnable task);

    /**
     * Runs {@code task} once the injected clock reaches {@code dueNs} (never before).
     *
     * @return cancels the task if it has not run yet
     */
    Runnable schedule(long dueNs, Runnable task);
}
