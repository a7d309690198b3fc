package io.ringcast.broadcast.subscribe;

/**
 * A fan-out worker's thread, carrying the worker's {@link GatheredWrite}: a sink finds it with one type check
 * instead of a thread-local lookup per frame and viewer (which showed in the profile).
 */
final class EgressThread extends Thread {
    private final GatheredWrite gatheredWrite = new GatheredWrite();

    EgressThread(Runnable worker, String name) {
        super(worker, name);
    }

    GatheredWrite gatheredWrite() {
        return gatheredWrite;
    }
}
