package io.ringcast.broadcast.stream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The primary and backup sources of one stream and which of them feeds its viewers. Created when a backup first
 * attaches; from then on both sources' frames go through their {@link SwitchedFeed}s, and only the source holding
 * the {@link WriteToken} writes the track rings. A standby source only remembers its sequence headers and metadata,
 * writes nothing and wakes nobody.
 *
 * <p>Switch rule ({@link #mayTakeOver}), evaluated by a standby source at each of its keyframes, with that frame's
 * ingest time on the engine's clock: the backup takes over when the primary is gone or has delivered no frame for
 * {@code switch_after_ms}; the primary takes over (back) at its first keyframe whenever it is not the active one.
 *
 * <p>Threads: sources attach and leave under the stream's monitor; the rule and the counters are read and written by
 * the sources' ingest threads without locks, and by stats.
 */
public final class SourceSwitch {
    private final long switchAfterNs;
    private final long switchAfterMs;
    private final WriteToken token;
    private final AtomicLong switchesToBackup = new AtomicLong();
    private final AtomicLong switchesToPrimary = new AtomicLong();
    private volatile StreamPublisher primary;
    private volatile StreamPublisher backup;
    /**
     * False while a primary that published before the switch existed may still write the rings directly (a
     * zero-copy message in progress); its thread sets it once it has none left ({@link #acknowledge}).
     */
    private volatile boolean primaryAcknowledged;
    private volatile SourceRole active;
    /** Frame interval (ms) of the newest source that took over, per track; for a successor that knows none yet. */
    private final long[] lastIntervalMs = {1, 1};

    /**
     * @param legacyPrimary the primary that published before any backup, still writing the rings itself; or null
     */
    SourceSwitch(BackupConfig config, StreamPublisher legacyPrimary, int legacyEpoch) {
        this.switchAfterMs = config.switchAfterMs();
        this.switchAfterNs = TimeUnit.MILLISECONDS.toNanos(switchAfterMs);
        this.token = new WriteToken(legacyPrimary == null ? WriteToken.NO_EPOCH : legacyEpoch);
        this.primary = legacyPrimary;
        this.primaryAcknowledged = legacyPrimary == null;
        this.active = legacyPrimary == null ? null : SourceRole.PRIMARY;
    }

    WriteToken token() {
        return token;
    }

    /**
     * Whether a standby source of {@code role} whose keyframe arrived at {@code nowNs} (engine clock) takes the
     * stream over now. The backup does when the primary is gone or silent for switch_after_ms; the primary always
     * does (the preferred source switches back at its first keyframe). Neither does while a primary that published
     * before the switch existed has not handed over its direct writes.
     */
    boolean mayTakeOver(SourceRole role, long nowNs) {
        StreamPublisher p = primary;
        if (p != null && !primaryAcknowledged) {
            return false;
        }
        if (role == SourceRole.PRIMARY) {
            return true;
        }
        return p == null || nowNs - p.feed().lastFrameNanos() >= switchAfterNs;
    }

    /**
     * The frame interval a source that took over places its first frame at, after the newest timestamp: its own
     * when it knows it (it is not 0), else the previous source's. Called holding the write token, which orders
     * these plain accesses between successive holders.
     */
    long intervalAtTakeOver(int track, long ownIntervalMs) {
        if (ownIntervalMs > 0) {
            lastIntervalMs[track] = ownIntervalMs;
            return ownIntervalMs;
        }
        return lastIntervalMs[track];
    }

    /** The primary's thread has no direct ring write left: from now on it writes only with the token. */
    void acknowledge() {
        primaryAcknowledged = true;
    }

    /**
     * A source of {@code role} took the token from {@code previousEpoch}; counts a switch when a source of the other
     * role had it (a primary that reconnects and takes over from its own previous session is no switch).
     */
    void tookOver(SourceRole role, int previousEpoch) {
        SourceRole before = active;
        active = role;
        if (previousEpoch != WriteToken.NO_EPOCH && before != null && before != role) {
            (role == SourceRole.BACKUP ? switchesToBackup : switchesToPrimary).incrementAndGet();
        }
    }

    /** Attaches a source in its role's slot; false when the slot is taken. Under the stream's monitor. */
    boolean attach(StreamPublisher source, SourceRole role) {
        if (role == SourceRole.PRIMARY) {
            if (primary != null) {
                return false;
            }
            primary = source;
        } else {
            if (backup != null) {
                return false;
            }
            backup = source;
        }
        return true;
    }

    /** Detaches a source that ended; false when it was not attached. Under the stream's monitor. */
    boolean detach(StreamPublisher source) {
        if (primary == source) {
            primary = null;
            primaryAcknowledged = true;
            return true;
        }
        if (backup == source) {
            backup = null;
            return true;
        }
        return false;
    }

    /** Whether no source is attached. */
    boolean isEmpty() {
        return primary == null && backup == null;
    }

    /** The primary session, or null while none publishes. */
    public StreamPublisher primary() {
        return primary;
    }

    /** The backup session, or null while none publishes. */
    public StreamPublisher backup() {
        return backup;
    }

    /** The role of the source viewers get now, or null before either wrote a frame. */
    public SourceRole active() {
        return active;
    }

    /** Switches from the primary to the backup so far. */
    public long switchesToBackup() {
        return switchesToBackup.get();
    }

    /** Switches from the backup back to the primary so far. */
    public long switchesToPrimary() {
        return switchesToPrimary.get();
    }

    public long switchAfterMs() {
        return switchAfterMs;
    }
}
