package io.ringcast.broadcast.llhls;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * One partial segment (RFC 8216bis 4.4.4.9): a run of CMAF chunks ({@code moof}+{@code mdat}) that its segmenter
 * appends while readers already stream what is there. One writer (the segmenter thread) appends and completes;
 * any number of readers on any threads read {@link #bytes()} up to {@link #length()} without locks: bytes below the
 * published length never change, and a grown array is published before the length that needs it.
 *
 * <p>A reader that has read everything there is registers {@link #onMoreBytes}; the writer runs those actions after
 * the next append or at completion (on its own thread, so they must be short: an async dispatch).
 */
public final class LlPart {
    private final long sequence;
    private final int index;
    private final boolean independent;
    private volatile byte[] bytes;
    private volatile int length;
    private volatile boolean complete;
    private volatile boolean abandoned;
    /** Written once at completion, before {@link #complete}. */
    private long durationMs;
    private final List<Runnable> waiting = new ArrayList<>();
    private volatile boolean anyWaiting;

    /**
     * @param sequence    media sequence number of the segment the part belongs to
     * @param index       the part's index within its segment, from 0
     * @param independent whether it starts with a keyframe (INDEPENDENT=YES), or holds audio only
     */
    LlPart(long sequence, int index, boolean independent, int initialCapacityBytes) {
        this.sequence = sequence;
        this.index = index;
        this.independent = independent;
        this.bytes = new byte[initialCapacityBytes];
    }

    public long sequence() {
        return sequence;
    }

    public int index() {
        return index;
    }

    public boolean independent() {
        return independent;
    }

    /** The bytes; valid up to a {@link #length()} read before this call. Never modify them. */
    public byte[] bytes() {
        return bytes;
    }

    /** Bytes written so far; read it before {@link #bytes()}. */
    public int length() {
        return length;
    }

    /** Whether every byte is written ({@link #length()} is final). */
    public boolean isComplete() {
        return complete;
    }

    /** The stream ended (or was cut) before this part completed: no more bytes will come. */
    public boolean isAbandoned() {
        return abandoned;
    }

    /** Duration in milliseconds, once complete. */
    public long durationMs() {
        return durationMs;
    }

    /** The playlist URI relative to the LL-HLS playlist: {@code name/seq.index.m4s}. */
    public String uri(String streamName) {
        return streamName + '/' + sequence + '.' + index + LlNames.MEDIA_SUFFIX;
    }

    /**
     * Runs {@code action} once after more bytes arrive or the part completes or is abandoned; at once when any of
     * these already happened past {@code readBytes}. Any thread.
     */
    public void onMoreBytes(int readBytes, Runnable action) {
        synchronized (waiting) {
            if (length <= readBytes && !complete && !abandoned) {
                waiting.add(action);
                anyWaiting = true;
                return;
            }
        }
        action.run();
    }

    /** Segmenter thread: appends a chunk. */
    void append(DirectBuffer src, int offset, int count) {
        int at = length;
        byte[] target = bytes;
        if (at + count > target.length) {
            byte[] grown = new byte[Math.max(target.length * 2, at + count)];
            System.arraycopy(target, 0, grown, 0, at);
            bytes = grown;
            target = grown;
        }
        src.getBytes(offset, target, at, count);
        length = at + count;
        wake();
    }

    /** Segmenter thread: no more bytes; the part lasted {@code durationMs}. */
    void complete(long durationMs) {
        this.durationMs = durationMs;
        complete = true;
        wake();
    }

    /** Segmenter thread: the part will never complete (stream ended). */
    void abandon() {
        abandoned = true;
        wake();
    }

    private void wake() {
        if (!anyWaiting) {
            return;
        }
        Runnable[] actions;
        synchronized (waiting) {
            actions = waiting.toArray(new Runnable[0]);
            waiting.clear();
            anyWaiting = false;
        }
        for (Runnable action : actions) {
            action.run();
        }
    }

    @Override
    public String toString() {
        return "LlPart[" + sequence + "." + index + (independent ? " independent" : "") + ", " + length + " bytes"
                + (complete ? ", " + durationMs + " ms" : ", open") + "]";
    }
}
