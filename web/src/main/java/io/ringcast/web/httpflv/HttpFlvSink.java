package io.ringcast.web.httpflv;

import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import io.ringcast.web.http.Cors;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * <p>Bytes: tags are assembled in the fan-out thread's scratch array ({@link #SCRATCH}, grown to the largest tag)
 * and handed to the container in one write, which copies them. A viewer therefore holds no bytes of its own while
 * it keeps up: with a thousand viewers, a per-viewer array the size of a keyframe would cost more heap than all
 * the rest of the viewer. Only bytes produced while the container holds the viewer off (start sequences and
 * sequence headers written into a blocked response) are copied into a per-viewer {@link #held} buffer, which
 * {@link #isReady()} drains first and then drops.
 *
 * <p>End of the request: a container recycles a request's response objects for the next request once the request
 * ended (Tomcat reuses its output buffer), so a worker still writing through this viewer's stream after that would
 * write into another viewer's response. Every stream call of the worker therefore runs while {@link #streamState}
 * is {@code STREAM_IN_USE}; the container's end callbacks ({@code onError}, {@code onComplete}, {@code onTimeout})
 * wait for such a call to return, briefly and bounded, then mark the stream {@code STREAM_ENDED}, after which the
 * worker never touches it again. The worker's side is one uncontended compare-and-set per call, no lock.
 *
 * <p>Status line: given the response, the sink sets 200, {@code video/x-flv} and {@code no-cache} just before its
 * first write, so nothing is committed while the viewer waits for a stream that has not delivered yet (an on-demand
 * pull). A stream that closes before that first write is answered 404 with the stream's
 * {@link io.ringcast.broadcast.stream.Stream#closeReason() reason} instead (servlet API calls only: Undertow, Tomcat
 * and Jetty alike).
 */
public final class HttpFlvSink implements FrameSink, WriteListener, AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFlvSink.class);
    private static final int INITIAL_SCRATCH_BYTES = 64 * 1024;
    /** Per fan-out thread (sink methods run on one); the container copies out of it before write returns. */
    private static final ThreadLocal<ExpandableArrayBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(INITIAL_SCRATCH_BYTES));
    private static final int STREAM_IDLE = 0;
    private static final int STREAM_IN_USE = 1;
    private static final int STREAM_ENDED = 2;
    /** How long an end callback waits for the worker's stream call; a non-blocking write returns far sooner. */
    private static final long END_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final AsyncContext asyncContext;
    /** Null when the caller committed the status itself (benchmarks, unit tests of the framing). */
    private final HttpServletResponse response;
    private final ServletOutputStream out;
    private final AtomicLong writableEpoch = new AtomicLong();
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Whether the worker may use, is using, or may never again use the container's stream (see class comment). */
    private final AtomicInteger streamState = new AtomicInteger(STREAM_IDLE);
    private final LongSupplier nanoClock;
    /** Cuts the connection at once; null when the container offers no such thing. */
    private final Runnable abort;
    /**
     * The worker thread while it is inside a stream call, else null. Plain: only the thread that set it can find
     * itself in it, and that thread always sees its own writes.
     */
    private Thread streamUser;
    private volatile Subscription subscription;

    /** Worker-owned: the epoch at which the container last said "not ready"; equal to the epoch means blocked. */
    private long blockedAtEpoch;
    /** Bytes the container was not ready for, in order; null while there are none (see class comment). */
    private ExpandableArrayBuffer held;
    private int heldLength;
    private long bytesWritten;
    /** Worker-owned: whether the 200 and its headers were set (just before the first write). */
    private boolean statusSet;

    /**
     * @param asyncContext the viewer's started async context; completed by {@link #close}
     * @param out          the response stream; this sink becomes its write listener via {@link #listen()}
     * @param abort        the container's {@link io.ringcast.web.http.ConnectionAbort}, or null if it has none
     */
    public HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out, Runnable abort) {
        this(asyncContext, null, out, abort, System::nanoTime);
    }

    /**
     * A viewer whose status this sink sets at its first write, or answers 404 when its stream closes before any
     * (see class comment).
     *
     * @param response the viewer's response, not committed; the sink writes its output stream
     */
    public HttpFlvSink(AsyncContext asyncContext, HttpServletResponse response, Runnable abort) throws IOException {
        this(asyncContext, response, response.getOutputStream(), abort, System::nanoTime);
    }

    /** As {@link #HttpFlvSink(AsyncContext, ServletOutputStream, Runnable)}, with the clock bounding the end wait. */
    HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out, Runnable abort, LongSupplier nanoClock) {
        this(asyncContext, null, out, abort, nanoClock);
    }

    private HttpFlvSink(AsyncContext asyncContext, HttpServletResponse response, ServletOutputStream out,
                        Runnable abort, LongSupplier nanoClock) {
        this.asyncContext = asyncContext;
        this.response = response;
        this.out = out;
        this.abort = abort;
        this.nanoClock = nanoClock;
    }

    /** The status and headers of a streaming answer (and of its HEAD). */
    static void startHeaders(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(HttpFlvServlet.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-cache");
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

    /** Bytes this viewer holds because the container was not ready for them; worker thread. */
    public int heldBytes() {
        return heldLength;
    }

    // ------------------------------------------------------------------ FrameSink (fan-out worker thread)

    @Override
    public boolean isReady() throws IOException {
        return drain();
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        MutableDirectBuffer target = assemblyTarget();
        int at = FlvHeader.write(target, assemblyStart(target), audioFormat != null, videoFormat != null);
        if (metadata != null) {
            at = FlvTag.write(target, at, FlvTag.TYPE_SCRIPT, 0, metadata, 0, metadata.length);
        }
        if (videoFormat != null) {
            at = appendSequenceHeader(target, at, videoFormat, 0);
        }
        if (audioFormat != null) {
            at = appendSequenceHeader(target, at, audioFormat, 0);
        }
        send(target, at);
    }

    @Override
    public void writeMetadata(byte[] metadata, long timestampMs) throws IOException {
        MutableDirectBuffer target = assemblyTarget();
        send(target, FlvTag.write(target, assemblyStart(target), FlvTag.TYPE_SCRIPT, timestampMs, metadata, 0,
                metadata.length));
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        MutableDirectBuffer target = assemblyTarget();
        send(target, appendSequenceHeader(target, assemblyStart(target), format, timestampMs));
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length)
            throws IOException {
        MutableDirectBuffer target = assemblyTarget();
        int at = assemblyStart(target);
        FlvTag.putHeader(target, at, kind.flvTagType(), length, frame.timestampMs());
        target.putBytes(at + FlvTag.HEADER_BYTES, payload, offset, length);
        FlvTag.putPreviousTagSize(target, at + FlvTag.HEADER_BYTES + length, length);
        send(target, at + length + FlvTag.OVERHEAD_BYTES);
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
        if (reason == CloseReason.TOO_SLOW && abort != null) {
            // complete() would first send what the container buffered, to a viewer that does not read it.
            abort.run();
            return;
        }
        if (reason == CloseReason.STREAM_CLOSED && response != null && !statusSet) {
            answerNotDelivered();
        }
        try {
            asyncContext.complete();
        } catch (RuntimeException e) {
            // The container ended the request first (error, timeout) or is shutting down: nothing left to end.
            LOG.debug("async context already ended: {}", e.toString());
        }
    }

    /**
     * The stream closed before this viewer got a byte: 404 with the stream's reason instead of an empty 200. Worker
     * thread, holding the stream (the container has not ended the request).
     */
    private void answerNotDelivered() {
        Subscription s = subscription;
        String reason = s == null || s.stream().closeReason() == null ? "the stream ended before it was delivered"
                : s.stream().closeReason();
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (response.isCommitted()) {
                return;
            }
            response.reset();
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            Cors.allowAnyOrigin(response); // reset() cleared the one the endpoint filter set
            response.setHeader("Cache-Control", "no-cache");
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(body.length);
            if (out.isReady()) {
                out.write(body);
            }
        } catch (IOException | RuntimeException e) {
            // The viewer went away meanwhile (or the container refuses): nothing left to answer.
            LOG.debug("HTTP-FLV viewer: no 404 for a stream that was not delivered: {}", e.toString());
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

    /** Hands held bytes to the container if it takes them; true when nothing is held and it takes more. */
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
        if (heldLength == 0) {
            return true;
        }
        int length = heldLength;
        byte[] bytes = held.byteArray();
        heldLength = 0;
        held = null;
        write(bytes, length);
        return containerReady();
    }

    /** Where the next bytes are assembled: behind held bytes when there are any, else in the thread's scratch. */
    private MutableDirectBuffer assemblyTarget() {
        return heldLength > 0 ? held : SCRATCH.get();
    }

    private int assemblyStart(MutableDirectBuffer target) {
        return target == held ? heldLength : 0;
    }

    /** Hands assembled bytes {@code [start, end)} of {@code target} to the container, or holds them. */
    private void send(MutableDirectBuffer target, int end) throws IOException {
        if (target == held) {
            heldLength = end;
            drain();
            return;
        }
        acquireStream();
        try {
            if (containerReady()) {
                write(target.byteArray(), end);
            } else {
                held = new ExpandableArrayBuffer(end);
                held.putBytes(0, target, 0, end);
                heldLength = end;
            }
        } finally {
            releaseStream();
        }
    }

    private void write(byte[] bytes, int length) throws IOException {
        if (!statusSet) {
            statusSet = true;
            if (response != null) {
                startHeaders(response);
            }
        }
        try {
            out.write(bytes, 0, length);
        } catch (RuntimeException e) {
            throw containerFailure(e);
        }
        bytesWritten += length;
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

    private static int appendSequenceHeader(MutableDirectBuffer target, int at, TrackFormat format,
                                            long timestampMs) {
        if (!format.hasSequenceHeader()) {
            return at;
        }
        byte[] body = format.sequenceHeader();
        return FlvTag.write(target, at, format.codec().kind().flvTagType(), timestampMs, body, 0, body.length);
    }

    /** A container that refuses an operation (stream closed under us) ends the viewer like a failed write. */
    private static IOException containerFailure(RuntimeException e) {
        return new IOException("servlet container refused the write: " + e.getMessage(), e);
    }
}
