package io.ringcast.broadcast.time;

/**
 * The system's monotonic clock ({@link System#nanoTime()}): the one production {@link NanoClock}, and with the
 * JDK's {@link java.time.Clock#systemUTC()} for wall time the only place engine and ingest code reads the system's
 * time. Stateless, so thread-safe. A final class, so that a call site holding only this clock inlines the read.
 */
public final class SystemNanoClock implements NanoClock {
    /** The instance; {@link NanoClock#SYSTEM} names it. */
    public static final SystemNanoClock INSTANCE = new SystemNanoClock();

    private SystemNanoClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
