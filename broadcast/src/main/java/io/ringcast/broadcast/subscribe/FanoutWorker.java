package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.time.NanoClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An egress thread: owns a set of subscriptions and moves frames from rings to their sinks. Sleeps when no
 * subscription has work; producers and sinks wake it ({@link #wake()}), a timer wakes it for lag checks. Without
 * subscriptions it sleeps until one is added: an idle server's egress threads cost no wake-ups.
 *
 * <p>Wake-up is a Dekker handshake without locks, on a flag rather than a second look at every subscription: a
 * producer publishes its frame, raises {@code signalled} and then reads {@code parked}; the worker lowers
 * {@code signalled} before each pass, and before parking publishes {@code parked = true} and reads
 * {@code signalled}. A frame published after the lowering raises the flag again (or was already seen by the pass),
 * so one of the two always sees the other. A subscription that stopped at its batch bound says so
 * ({@link Subscription#hasLeftover()}), and the worker passes again at once.
 */
public final class FanoutWorker implements WakeTarget, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutWorker.class);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int COMMAND_QUEUE_CAPACITY = 4096;

    private final String name;
    private final int index;
    private final NanoClock clock;
    private final ManyToOneConcurrentArrayQueue<Subscription> additions =
            new ManyToOneConcurrentArrayQueue<>(COMMAND_QUEUE_CAPACITY);
    private final List<Subscription> owned = new ArrayList<>();
    /** Allocated once: a capturing method reference in the loop would allocate on every pass. */
    private final java.util.function.Consumer<Subscription> takeOwnership = owned::add;
    private volatile boolean parked;
    /** Raised by {@link #wake()}: work may have arrived since the worker's current pass began. */
    private volatile boolean signalled;
    /** Whether a subscription of the last pass stopped at its batch bound with frames left. Worker thread only. */
    private boolean leftover;
    private volatile boolean running = true;
    private volatile int subscriptionCount;
    private volatile Thread thread;

    public FanoutWorker(String name, NanoClock clock) {
        this(name, -1, clock);
    }

    /** @param index this worker's index in its pool, its slot in each stream's latency stats; -1 for none */
    public FanoutWorker(String name, int index, NanoClock clock) {
        this.name = name;
        this.index = index;
        this.clock = clock;
    }

    /** This worker's index in its pool, or -1. */
    public int index() {
        return index;
    }

    /** Starts the worker's thread. */
    public void start() {
        Thread t = new EgressThread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * Hands a subscription to this worker; any thread. Returns false (and the caller must refuse the viewer) when
     * the stream closed meanwhile or the worker's intake is full.
     */
    public boolean add(Subscription subscription) {
        if (!running || !subscription.attach(this)) {
            return false;
        }
        if (!additions.offer(subscription)) {
            subscription.close(CloseReason.SHUTDOWN);
            return false;
        }
        wake();
        return true;
    }

    /** Number of subscriptions this worker serves (approximate while additions are in flight). */
    public int subscriptionCount() {
        return subscriptionCount + additions.size();
    }

    @Override
    public void wake() {
        // Read before write: a flag that is up stays up until the worker's next pass, which sees this frame.
        if (!signalled) {
            signalled = true;
        }
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops the thread after closing every subscription it owns; waits up to {@code timeoutMs}. */
    public void stop(long timeoutMs) throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(timeoutMs);
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                doWork(clock.nanoTime());
                // Not another full pass to find that there is nothing left: idle() looks (cheaply) and parks.
                idle();
            }
        } finally {
            closeAll(CloseReason.SHUTDOWN);
        }
    }

    /** One pass over every owned subscription; returns the work done. Exposed for single-threaded tests. */
    public int doWork(long nowNs) {
        signalled = false;
        boolean more = false;
        int added = additions.drain(takeOwnership);
        int work = added;
        boolean anyClosed = false;
        List<Subscription> subs = owned;
        for (int i = 0; i < subs.size(); i++) {
            Subscription s = subs.get(i);
            work += s.pump(nowNs);
            anyClosed |= s.isClosed();
            more |= s.hasLeftover();
        }
        leftover = more;
        if (anyClosed) {
            subs.removeIf(Subscription::isClosed);
        }
        if (anyClosed || work == 0) {
            // Between batches nothing is gathered: let go of a closed viewer and of views of closed streams' rings.
            GatheredWrite.current().release();
        }
        if (anyClosed || added > 0) {
            subscriptionCount = subs.size();
        }
        return work;
    }

    private void idle() {
        parked = true;
        try {
            if (hasWorkWaiting()) {
                return;
            }
            if (owned.isEmpty()) {
                // Nothing to check on a timer; add() and stop() wake it (additions are read after parked is up).
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, IDLE_PARK_NS);
            }
        } finally {
            parked = false;
        }
    }

    /**
     * Whether a pass now would find work: a wake since the last pass began, a subscription left at its batch
     * bound, a new subscription, or a stop. Blocked sinks and lag clocks wait for a wake or the park's timeout.
     */
    boolean hasWorkWaiting() {
        return signalled || leftover || !additions.isEmpty() || !running;
    }

    private void closeAll(CloseReason reason) {
        additions.drain(takeOwnership);
        for (Subscription s : owned) {
            try {
                s.close(reason);
            } catch (RuntimeException e) {
                LOG.warn("{}: closing a subscription of {} failed", name, s.stream().path(), e);
            }
        }
        owned.clear();
        subscriptionCount = 0;
    }
}
