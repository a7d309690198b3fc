package io.ringcast.perf.load.viewer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A selector thread that owns many viewer connections: it opens the connections handed to it, reads every ready
 * one into one shared direct buffer (connections parse incrementally and keep nothing of it), resumes paused trickle
 * viewers and times out late joiners. Other threads only {@link #add} connections and {@link #stop} it.
 */
public final class ViewerLoop implements Runnable {
    /** Read buffer shared by the loop's connections; one read takes at most this much from one socket. */
    public static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final long IDLE_SELECT_MS = 100;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private record Paused(ViewerConnection connection, long resumeAtNs) {
    }

    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    private final Queue<ViewerConnection> added = new ConcurrentLinkedQueue<>();
    private final List<ViewerConnection> owned = new ArrayList<>();
    private final List<ViewerConnection> withDeadline = new ArrayList<>();
    private final List<Paused> paused = new ArrayList<>();
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final Thread thread;
    private volatile boolean stopping;
    private long nowNs;

    /** @param name the thread's name */
    public ViewerLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Any thread: hands a new connection to this loop, which connects it. */
    public void add(ViewerConnection connection) {
        added.add(connection);
        selector.wakeup();
    }

    /** Any thread: closes every connection still open (as {@link EndReason#OPEN_AT_END}) and ends the thread. */
    public void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Waits for the thread to end; false if it did not in time. */
    public boolean join(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
        return !thread.isAlive();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                nowNs = System.nanoTime();
                openAdded();
                resumePaused();
                checkDeadlines();
                selector.select(onSelected, selectTimeoutMs());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("viewer loop " + thread.getName() + " failed", e);
        } finally {
            long endNs = System.nanoTime();
            for (ViewerConnection connection : owned) {
                connection.end(EndReason.OPEN_AT_END, null, endNs);
            }
            try {
                selector.close();
            } catch (IOException e) {
                // Every channel is closed already; nothing is left to release.
            }
        }
    }

    /** Loop thread: stop reading {@code connection} until {@code resumeAtNs}. */
    void pause(ViewerConnection connection, long resumeAtNs) {
        paused.add(new Paused(connection, resumeAtNs));
    }

    private void onSelected(SelectionKey key) {
        ((ViewerConnection) key.attachment()).onSelected(readBuffer, readView, System.nanoTime());
    }

    private void openAdded() {
        ViewerConnection connection;
        while ((connection = added.poll()) != null) {
            owned.add(connection);
            if (connection.group().mode() == ViewerMode.LATE_JOIN) {
                withDeadline.add(connection);
            }
            connection.open(this, selector, nowNs);
        }
    }

    private void resumePaused() {
        for (int i = paused.size() - 1; i >= 0; i--) {
            Paused p = paused.get(i);
            if (p.resumeAtNs() <= nowNs) {
                paused.remove(i);
                p.connection().resume(nowNs);
            }
        }
    }

    private void checkDeadlines() {
        for (int i = withDeadline.size() - 1; i >= 0; i--) {
            ViewerConnection connection = withDeadline.get(i);
            connection.checkDeadline(nowNs);
            if (connection.isEnded()) {
                withDeadline.remove(i);
            }
        }
    }

    private long selectTimeoutMs() {
        long timeoutMs = IDLE_SELECT_MS;
        for (Paused p : paused) {
            timeoutMs = Math.min(timeoutMs, (p.resumeAtNs() - nowNs) / NANOS_PER_MILLI);
        }
        return Math.max(1, timeoutMs);
    }
}
