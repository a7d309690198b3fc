package io.ringcast.broadcast.track;

/** A track ring could not get its payload memory: the JVM's direct memory is used up. The message says so. */
public final class RingMemoryExhaustedException extends RuntimeException {
    public RingMemoryExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
