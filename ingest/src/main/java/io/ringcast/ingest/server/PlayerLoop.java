package io.ringcast.ingest.server;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpConnectRefusedException;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.PartialMessageBudgetException;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One shared player I/O thread: a selector over many playing connections ({@link PlayerSession}). It reads and
 * decodes what viewers send, answers through their outputs, turns write readiness into subscription pumps and
 * closes idle or broken connections. Media is written by fan-out workers, never here. Owned by its own thread;
 * {@link #adopt} and {@link #signal} are for other threads and only queue work and wake the selector.
 */
final class PlayerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PlayerLoop.class);
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Longest sleep in select while it serves connections: bounds how late idle ones are noticed. */
    private static final long TICK_MS = 100;
    /** Selector.select's timeout for "until woken": a loop without connections has nothing to sweep. */
    private static final long UNTIL_WOKEN = 0;

    private final String name;
    private final NanoClock clock;
    private final Selector selector;
    private final ManyToOneConcurrentArrayQueue<PlayerSession> adoptions;
    private final ManyToOneConcurrentArrayQueue<PlayerSession> signalled;
    private final List<PlayerSession> sessions = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final Consumer<PlayerSession> onAdopted = this::onAdopted;
    private final Consumer<PlayerSession> onSignalled = this::onSignalled;
    private final AtomicLong idleClosed;
    private final AtomicLong protocolViolations;
    private final AtomicLong connectionBudgetClosed;
    private final AtomicLong serverBudgetClosed;
    private volatile boolean running = true;
    private volatile int sessionCount;
    private long nowNs;
    /** Turns of the loop; written by its thread only, read by tests. */
    private volatile long passes;
    private Thread thread;

    /**
     * @param maxSessions most connections this loop may serve; sizes its queues
     * @param counters    where connections closed for idleness or a protocol violation are counted
     */
    PlayerLoop(String name, NanoClock clock, int maxSessions, ServerCounters counters) throws IOException {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be positive: " + maxSessions);
        }
        this.name = name;
        this.clock = clock;
        this.idleClosed = counters.counter(RtmpCounters.CLOSED_IDLE_TIMEOUT);
        this.protocolViolations = counters.counter(RtmpCounters.CLOSED_PROTOCOL_VIOLATION);
        this.connectionBudgetClosed = counters.counter(RtmpCounters.CLOSED_MAX_PARTIAL_MESSAGE_BYTES_PER_CONNECTION);
        this.serverBudgetClosed = counters.counter(RtmpCounters.CLOSED_MAX_PARTIAL_MESSAGE_BYTES);
        this.selector = Selector.open();
        this.adoptions = new ManyToOneConcurrentArrayQueue<>(maxSessions);
        // Each session is queued at most once at a time (see PlayerSession.signal).
        this.signalled = new ManyToOneConcurrentArrayQueue<>(maxSessions);
    }

    void start() {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Takes over a connection whose play was accepted; any thread. False when the loop is stopping or full. */
    boolean adopt(PlayerSession session) {
        if (!running || !adoptions.offer(session)) {
            return false;
        }
        selector.wakeup();
        return true;
    }

    /** A worker signalled the session (see {@link PlayerSession#onSignals()}); any thread. */
    void signal(PlayerSession session) {
        if (signalled.offer(session)) {
            selector.wakeup();
        }
    }

    /** Turns the loop has taken: a loop without connections takes none until woken. */
    long passes() {
        return passes;
    }

    /** Connections served now (approximate while adoptions are in flight). */
    int sessionCount() {
        return sessionCount + adoptions.size();
    }

    /** Stops the thread after closing every connection; waits up to {@code timeoutMs}. */
    void stop(long timeoutMs) {
        running = false;
        selector.wakeup();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(timeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        long lastSweepNs = clock.nanoTime();
        long tickNs = TimeUnit.MILLISECONDS.toNanos(TICK_MS);
        long turns = 0;
        try {
            while (running) {
                // adopt() and stop() wake the selector; a wake-up before select makes it return at once.
                selector.select(onSelected, sessions.isEmpty() && adoptions.isEmpty() ? UNTIL_WOKEN : TICK_MS);
                passes = ++turns;
                nowNs = clock.nanoTime();
                adoptions.drain(onAdopted);
                signalled.drain(onSignalled);
                if (nowNs - lastSweepNs >= tickNs) {
                    lastSweepNs = nowNs;
                    closeIdle();
                }
            }
        } catch (IOException e) {
            LOG.error("{}: selector failed; closing its viewers", name, e);
        } finally {
            shutdown();
        }
    }

    private void onSelected(SelectionKey key) {
        PlayerSession session = (PlayerSession) key.attachment();
        long now = clock.nanoTime();
        try {
            if (key.isValid() && key.isReadable()) {
                session.onReadable(readBuffer, readView, now);
            }
            if (key.isValid() && key.isWritable()) {
                session.onWritable();
            }
        } catch (EOFException e) {
            close(session, CloseReason.VIEWER_LEFT, "closed by peer");
        } catch (PartialMessageBudgetException e) {
            (e.serverWide() ? serverBudgetClosed : connectionBudgetClosed).incrementAndGet();
            close(session, CloseReason.VIEWER_LEFT, e.getMessage());
        } catch (RtmpProtocolException e) {
            protocolViolations.incrementAndGet();
            close(session, CloseReason.VIEWER_LEFT, "protocol violation: " + e.getMessage());
        } catch (RtmpConnectRefusedException e) {
            session.flushBeforeRefusalClose(); // the viewer learns why (NetStream.Play.Failed)
            close(session, CloseReason.VIEWER_LEFT, e.getMessage());
        } catch (IOException e) {
            close(session, CloseReason.WRITE_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            failed(session, e);
        }
    }

    /**
     * A session's unexpected failure ends that viewer, never the loop: a dead loop would leave every viewer it
     * serves, and every viewer handed to it later, connected and unserved.
     */
    private void failed(PlayerSession session, RuntimeException e) {
        LOG.warn("{}: RTMP viewer {} failed; closing it", name, session.remote(), e);
        try {
            close(session, CloseReason.WRITE_FAILED, "failed: " + e);
        } catch (RuntimeException again) {
            LOG.warn("{}: closing RTMP viewer {} failed too: {}", name, session.remote(), again.toString());
        }
    }

    private void onAdopted(PlayerSession session) {
        sessions.add(session);
        sessionCount = sessions.size();
        try {
            session.adopt(this, selector, nowNs);
        } catch (IOException e) {
            close(session, CloseReason.WRITE_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            failed(session, e);
        }
    }

    private void onSignalled(PlayerSession session) {
        try {
            if (!session.onSignals()) {
                close(session, session.sinkCloseReason(), "ended by the engine: " + session.sinkCloseReason());
            }
        } catch (IOException e) {
            close(session, CloseReason.WRITE_FAILED, e.getMessage());
        } catch (RuntimeException e) {
            failed(session, e);
        }
    }

    private void closeIdle() {
        for (int i = sessions.size() - 1; i >= 0; i--) {
            PlayerSession session = sessions.get(i);
            if (session.isIdle(nowNs)) {
                idleClosed.incrementAndGet();
                close(session, CloseReason.VIEWER_LEFT, "idle");
            }
        }
    }

    private void close(PlayerSession session, CloseReason reason, String why) {
        if (sessions.remove(session)) {
            sessionCount = sessions.size();
            LOG.info("RTMP viewer {} closed: {}", session.remote(), why);
        }
        session.close(reason);
    }

    private void shutdown() {
        adoptions.drain(sessions::add);
        for (PlayerSession session : sessions) {
            session.close(CloseReason.SHUTDOWN);
        }
        sessions.clear();
        sessionCount = 0;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the selector failed: {}", name, e.toString());
        }
    }
}
