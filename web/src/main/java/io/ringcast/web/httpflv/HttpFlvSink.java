package io.ringcast.web.httpflv;

import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.web.flv.FlvHeader;
import io.ringcast.web.flv.FlvTag;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One HTTP-FLV viewer: packages frames as FLV tags onto a servlet output stream in non-blocking (async) mode.
 * The {@link FrameSink} methods run on the subscription's fan-out worker thread, never concurrently; the
 * {@link WriteListener} and {@link AsyncListener} callbacks run on container threads and only signal the worker.
 *
 * <p>Readiness handshake: the container calls {@link #onWritePossible()} once after each {@code isReady() == false}.
 * Each call bumps {@link #writableEpoch}. The worker reads the epoch <em>before</em> asking the container, and
 * after a "not ready" answer it does not ask again (and writes nothing) until the epoch moves past the value it
 * read. A callback that races with the "not ready" answer has already moved the epoch, so it is never lost.
 *
 * <p>Bytes: every tag is assembled in one per-viewer byte array ({@link #pending}) that grows to the largest tag
 * and is then handed to the container in one write. Sequences of several tags (start, re-sent sequence headers)
 * may exceed what the container takes at once; the rest stays pending and {@link #isReady()} drains it first.
 *
 * <p>End of the request: a container recycles a request's response objects for the next request once the request
 * ended (Tomcat reuses its output buffer), so a worker still writing through this viewer's stream after that would
 * write into another viewer's response. Every stream call of the worker therefore runs while {@link #streamState}
 * is {@code STREAM_IN_USE}; the container's end callbacks ({@code onError}, {@code onComplete}, {@code onTimeout})
 * wait for such a call to return, briefly and bounded, then mark the stream {@code STREAM_ENDED}, after which the
 * worker never touches it again. The worker's side is one uncontended compare-and-set per call, no lock.
 */
public final class HttpFlvSink implements FrameSink, WriteListener, AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFlvSink.class);
    private static final int INITIAL_PENDING_BYTES = 64 * 1024;
    private static final int STREAM_IDLE = 0;
    private static final int STREAM_IN_USE = 1;
    private static final int STREAM_ENDED = 2;
    /** How long an end callback waits for the worker's stream call; a non-blocking write returns far sooner. */
    private static final long END_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final AsyncContext asyncContext;
    private final ServletOutputStream out;
    private final AtomicLong writableEpoch = new AtomicLong();
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Whether the worker may use, is using, or may never again use the container's stream (see class comment). */
    private final AtomicInteger streamState = new AtomicInteger(STREAM_IDLE);
    private final LongSupplier nanoClock;
    /**
     * The worker thread while it is inside a stream call, else null. Plain: only the thread that set it can find
     * itself in it, and that thread always sees its own writes.
     */
    private Thread streamUser;
    private volatile Subscription subscription;

    /** Worker-owned: the epoch at which the container last said "not ready"; equal to the epoch means blocked. */
    private long blockedAtEpoch;
    private byte[] pending = new byte[INITIAL_PENDING_BYTES];
    private final UnsafeBuffer pendingView = new UnsafeBuffer(pending);
    private int pendingLength;
    private long bytesWritten;

    /**
     * @param asyncContext the viewer's started async context; completed by {@link #close}
     * @param out          the response stream; this sink becomes its write listener via {@link #listen()}
     */
    public HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out) {
        this(asyncContext, out, System::nanoTime);
    }

    /** As {@link #HttpFlvSink(AsyncContext, ServletOutputStream)}, with the clock that bounds the end wait. */
    HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out, LongSupplier nanoClock) {
        this.asyncContext = asyncContext;
        this.out = out;
        this.nanoClock = nanoClock;
    }

    /** Binds the subscription the callbacks signal; container thread, before the subscription is handed over. */
    public void attach(Subscription owner) {
        this.subscription = owner;
    }

    /** Registers as write and async listener; container thread, once, after {@link #attach}. */
    public void listen() {
        asyncContext.addListener(this);
        out.setWriteListener(this);
    }

    /** Bytes handed to the container so far; worker thread. */
    public long bytesWritten() {
        return bytesWritten;
    }

    // ------------------------------------------------------------------ FrameSink (fan-out worker thread)

    @Override
    public boolean isReady() throws IOException {
        return drain();
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        int needed = FlvHeader.LENGTH + tagBytes(metadata) + tagBytes(videoFormat) + tagBytes(audioFormat);
        ensurePending(needed);
        int at = FlvHeader.write(pendingView, pendingLength, audioFormat != null, videoFormat != null);
        if (metadata != null) {
            at = FlvTag.write(pendingView, at, FlvTag.TYPE_SCRIPT, 0, metadata, 0, metadata.length);
        }
        if (videoFormat != null) {
            at = appendSequenceHeader(at, videoFormat, 0);
        }
        if (audioFormat != null) {
            at = appendSequenceHeader(at, audioFormat, 0);
        }
        pendingLength = at;
        drain();
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        ensurePending(tagBytes(format));
        pendingLength = appendSequenceHeader(pendingLength, format, timestampMs);
        drain();
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, MutableDirectBuffer buffer, int offset, int length)
            throws IOException {
        int tagStart = offset - FlvTag.HEADER_BYTES;
        int tagLength = length + FlvTag.OVERHEAD_BYTES;
        FlvTag.putHeader(buffer, tagStart, FlvTag.typeOf(kind), length, frame.timestampMs());
        FlvTag.putPreviousTagSize(buffer, offset + length, length);
        ensurePending(tagLength);
        buffer.getBytes(tagStart, pending, pendingLength, tagLength);
        pendingLength += tagLength;
        drain();
    }

    @Override
    public void flush() throws IOException {
        if (drain()) {
            acquireStream();
            try {
                out.flush();
            } catch (RuntimeException e) {
                throw containerFailure(e);
            } finally {
                releaseStream();
            }
        }
    }

    @Override
    public void close(CloseReason reason) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("HTTP-FLV viewer closed: {} after {} bytes", reason, bytesWritten);
        if (!streamState.compareAndSet(STREAM_IDLE, STREAM_ENDED)) {
            // The container ended the request itself; its objects may serve another request already.
            return;
        }
        try {
            asyncContext.complete();
        } catch (RuntimeException e) {
            // The container ended the request first (error, timeout) or is shutting down: nothing left to end.
            LOG.debug("async context already ended: {}", e.toString());
        }
    }

    /** Whether {@link #close} ran. */
    public boolean isClosed() {
        return completed.get();
    }

    // ------------------------------------------------------------------ container callbacks (container threads)

    @Override
    public void onWritePossible() {
        writableEpoch.incrementAndGet();
        Subscription s = subscription;
        if (s != null) {
            s.requestPump();
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("HTTP-FLV viewer write failed: {}", t.toString());
        endStream();
        viewerLeft();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        endStream();
        viewerLeft();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endStream();
        viewerLeft();
    }

    @Override
    public void onError(AsyncEvent event) {
        endStream();
        viewerLeft();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not re-registered on a second startAsync: this sink serves exactly one async cycle.
    }

    /**
     * The container ends the request: waits out a stream call of the worker, then bars the worker for good. A
     * container that reports a failed write from inside that call (Undertow's flush calls {@code onError} on the
     * calling thread) is the worker itself: it must not wait for its own call, or it spins out the whole bound
     * while every other viewer of its fan-out worker waits.
     */
    private void endStream() {
        if (streamUser == Thread.currentThread()) {
            streamState.set(STREAM_ENDED);
            return;
        }
        long deadline = nanoClock.getAsLong() + END_WAIT_NS;
        while (!streamState.compareAndSet(STREAM_IDLE, STREAM_ENDED)) {
            if (streamState.get() == STREAM_ENDED) {
                return;
            }
            if (nanoClock.getAsLong() - deadline > 0) {
                streamState.set(STREAM_ENDED);
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void viewerLeft() {
        Subscription s = subscription;
        if (s != null) {
            s.requestClose(CloseReason.VIEWER_LEFT);
        }
    }

    // ------------------------------------------------------------------ internals (worker thread)

    /** Hands pending bytes to the container if it takes them; true when nothing is pending and it takes more. */
    private boolean drain() throws IOException {
        acquireStream();
        try {
            return drainInUse();
        } finally {
            releaseStream();
        }
    }

    /** The worker may use the stream until {@link #releaseStream()}; fails once the container ended the request. */
    private void acquireStream() throws IOException {
        if (!streamState.compareAndSet(STREAM_IDLE, STREAM_IN_USE)) {
            throw new IOException("the servlet container ended the viewer's request");
        }
        streamUser = Thread.currentThread();
    }

    /** Fails harmlessly when an end callback stopped waiting and marked the stream ended meanwhile. */
    private void releaseStream() {
        streamUser = null;
        streamState.compareAndSet(STREAM_IN_USE, STREAM_IDLE);
    }

    private boolean drainInUse() throws IOException {
        if (!containerReady()) {
            return false;
        }
        if (pendingLength == 0) {
            return true;
        }
        int length = pendingLength;
        pendingLength = 0;
        try {
            out.write(pending, 0, length);
        } catch (RuntimeException e) {
            throw containerFailure(e);
        }
        bytesWritten += length;
        return containerReady();
    }

    /** Asks the container at most once per writable epoch after it said "not ready" (see class comment). */
    private boolean containerReady() throws IOException {
        long epoch = writableEpoch.get();
        if (epoch == blockedAtEpoch) {
            return false;
        }
        boolean ready;
        try {
            ready = out.isReady();
        } catch (RuntimeException e) {
            throw containerFailure(e);
        }
        if (!ready) {
            blockedAtEpoch = epoch;
        }
        return ready;
    }

    private int appendSequenceHeader(int at, TrackFormat format, long timestampMs) {
        if (!format.hasSequenceHeader()) {
            return at;
        }
        byte[] body = format.sequenceHeader();
        return FlvTag.write(pendingView, at, FlvTag.typeOf(format.codec().kind()), timestampMs, body, 0, body.length);
    }

    private static int tagBytes(byte[] body) {
        return body == null ? 0 : body.length + FlvTag.OVERHEAD_BYTES;
    }

    private static int tagBytes(TrackFormat format) {
        return format == null || !format.hasSequenceHeader() ? 0 : tagBytes(format.sequenceHeader());
    }

    /** Grows the pending array so {@code more} bytes fit after what is pending; only while warming up. */
    private void ensurePending(int more) {
        int needed = pendingLength + more;
        if (needed <= pending.length) {
            return;
        }
        byte[] grown = new byte[Math.max(needed, pending.length * 2)];
        System.arraycopy(pending, 0, grown, 0, pendingLength);
        pending = grown;
        pendingView.wrap(grown);
    }

    /** A container that refuses an operation (stream closed under us) ends the viewer like a failed write. */
    private static IOException containerFailure(RuntimeException e) {
        return new IOException("servlet container refused the write: " + e.getMessage(), e);
    }
}
