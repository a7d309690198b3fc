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
import io.ringcast.web.http.ResponseChannel;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;

/**
 * One HTTP-FLV viewer: packages frames as FLV tags into its response body, non-blocking (async). The
 * {@link FrameSink} methods run on the subscription's fan-out worker thread, never concurrently; the
 * {@link WriteListener} and {@link AsyncListener} callbacks run on container threads and only signal the worker.
 *
 * <p>Body: where the container offers its own channel ({@link ResponseChannel}, the embedded server), frames go
 * from the payload ring to the socket in one gathering write each ({@link ChannelFlvBody}, zero-copy); elsewhere
 * through the servlet stream ({@link ServletFlvBody}, one copy into the container's buffer). Either way a viewer
 * that keeps up holds no bytes of its own; bytes its output was not ready for are held until it signals
 * writability ({@link WritableEpoch}: a signal racing with a refusal is never lost).
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
    private static final int STREAM_IDLE = 0;
    private static final int STREAM_IN_USE = 1;
    private static final int STREAM_ENDED = 2;
    /** How long an end callback waits for the worker's stream call; a non-blocking write returns far sooner. */
    private static final long END_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * On a field of this object, not an AtomicInteger of its own: the worker takes and gives back the stream in
     * every call for every viewer and frame, and another object is another cache line to miss.
     */
    private static final AtomicIntegerFieldUpdater<HttpFlvSink> STREAM_STATE =
            AtomicIntegerFieldUpdater.newUpdater(HttpFlvSink.class, "streamState");

    private final AsyncContext asyncContext;
    /** Null when the caller committed the status itself (benchmarks, unit tests of the framing). */
    private final HttpServletResponse response;
    /** The servlet stream, or null when the body goes through the container's channel. */
    private final ServletOutputStream out;
    private final WritableEpoch writable;
    private final FlvBody body;
    /** The container's channel to the body, or null when the body goes through the servlet stream. */
    private final ResponseChannel channel;
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Whether the worker may use, is using, or may never again use the container's stream (see class comment). */
    private volatile int streamState = STREAM_IDLE;
    private final LongSupplier nanoClock;
    /** Cuts the connection at once; null when the container offers no such thing. */
    private final Runnable abort;
    /**
     * The worker thread while it is inside a stream call, else null. Plain: only the thread that set it can find
     * itself in it, and that thread always sees its own writes.
     */
    private Thread streamUser;
    private volatile Subscription subscription;

    /** Worker-owned: whether the 200 and its headers were set (just before the first write). */
    private boolean statusSet;

    /**
     * @param asyncContext the viewer's started async context; completed by {@link #close}
     * @param out          the response stream; this sink becomes its write listener via {@link #listen()}
     * @param abort        the container's {@link io.ringcast.web.http.ConnectionAbort}, or null if it has none
     */
    public HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out, Runnable abort) {
        this(asyncContext, null, out, null, abort, System::nanoTime);
    }

    /**
     * A viewer whose status this sink sets at its first write, or answers 404 when its stream closes before any
     * (see class comment).
     *
     * @param response the viewer's response, not committed
     * @param channel  the container's own channel to the body ({@link ResponseChannel#of}), or null to write the
     *                 response's output stream
     */
    public HttpFlvSink(AsyncContext asyncContext, HttpServletResponse response, ResponseChannel channel,
                       Runnable abort) throws IOException {
        this(asyncContext, response, channel == null ? response.getOutputStream() : null, channel, abort,
                System::nanoTime);
    }

    /** As {@link #HttpFlvSink(AsyncContext, ServletOutputStream, Runnable)}, with the clock bounding the end wait. */
    HttpFlvSink(AsyncContext asyncContext, ServletOutputStream out, Runnable abort, LongSupplier nanoClock) {
        this(asyncContext, null, out, null, abort, nanoClock);
    }

    private HttpFlvSink(AsyncContext asyncContext, HttpServletResponse response, ServletOutputStream out,
                        ResponseChannel channel, Runnable abort, LongSupplier nanoClock) {
        this.asyncContext = asyncContext;
        this.response = response;
        this.out = out;
        this.abort = abort;
        this.nanoClock = nanoClock;
        this.channel = channel;
        Runnable beforeFirstWrite = this::setStatus;
        // Nothing is written before the first signal: the servlet stream's first onWritePossible, or the channel's
        // word that the container finished the request's own call.
        this.writable = new WritableEpoch(true);
        this.body = channel != null
                ? new ChannelFlvBody(channel, response, writable, this::onWritePossible, beforeFirstWrite)
                : new ServletFlvBody(out, writable, beforeFirstWrite);
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
        if (out != null) {
            out.setWriteListener(this);
        } else {
            channel.whenRequestDone(this::onWritePossible);
        }
    }

    /** Bytes handed to the container so far; worker thread. */
    public long bytesWritten() {
        return body.bytesWritten();
    }

    /** Bytes this viewer holds because the container was not ready for them; worker thread. */
    public int heldBytes() {
        return body.heldBytes();
    }

    // ------------------------------------------------------------------ FrameSink (fan-out worker thread)

    @Override
    public boolean isReady() throws IOException {
        return drain();
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        MutableDirectBuffer target = body.assemblyTarget();
        int at = FlvHeader.write(target, body.assemblyStart(target), audioFormat != null, videoFormat != null);
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
        MutableDirectBuffer target = body.assemblyTarget();
        send(target, FlvTag.write(target, body.assemblyStart(target), FlvTag.TYPE_SCRIPT, timestampMs, metadata, 0,
                metadata.length));
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        MutableDirectBuffer target = body.assemblyTarget();
        send(target, appendSequenceHeader(target, body.assemblyStart(target), format, timestampMs));
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length)
            throws IOException {
        acquireStream();
        try {
            body.sendTag(kind.flvTagType(), frame.timestampMs(), payload, offset, length);
        } finally {
            releaseStream();
        }
    }

    @Override
    public void flush() throws IOException {
        acquireStream();
        try {
            body.flush();
        } finally {
            releaseStream();
        }
    }

    @Override
    public void close(CloseReason reason) {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("HTTP-FLV viewer closed: {} after {} bytes", reason, body.bytesWritten());
        if (!STREAM_STATE.compareAndSet(this, STREAM_IDLE, STREAM_ENDED)) {
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
        if (channel != null && statusSet) {
            // The container does not end a body whose channel the sink took: shut it (close-delimited) first.
            channel.end();
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
        byte[] text = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (response.isCommitted()) {
                return;
            }
            response.reset();
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            Cors.allowAnyOrigin(response); // reset() cleared the one the endpoint filter set
            response.setHeader("Cache-Control", "no-cache");
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(text.length);
            body.answer(text);
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
        writable.signal();
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
            streamState = STREAM_ENDED;
            return;
        }
        long deadline = nanoClock.getAsLong() + END_WAIT_NS;
        while (!STREAM_STATE.compareAndSet(this, STREAM_IDLE, STREAM_ENDED)) {
            if (streamState == STREAM_ENDED) {
                return;
            }
            if (nanoClock.getAsLong() - deadline > 0) {
                streamState = STREAM_ENDED;
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

    /** Hands held bytes to the output if it takes them; true when nothing is held and it takes more. */
    private boolean drain() throws IOException {
        acquireStream();
        try {
            return body.drain();
        } finally {
            releaseStream();
        }
    }

    /** The worker may use the stream until {@link #releaseStream()}; fails once the container ended the request. */
    private void acquireStream() throws IOException {
        if (!STREAM_STATE.compareAndSet(this, STREAM_IDLE, STREAM_IN_USE)) {
            throw new IOException("the servlet container ended the viewer's request");
        }
        streamUser = Thread.currentThread();
    }

    /** Fails harmlessly when an end callback stopped waiting and marked the stream ended meanwhile. */
    private void releaseStream() {
        streamUser = null;
        STREAM_STATE.compareAndSet(this, STREAM_IN_USE, STREAM_IDLE);
    }

    /** Hands bytes assembled in {@code target} up to {@code end} to the output, or holds them. */
    private void send(MutableDirectBuffer target, int end) throws IOException {
        acquireStream();
        try {
            body.send(target, end);
        } finally {
            releaseStream();
        }
    }

    /** Just before the first byte goes out: the 200 and its headers (nothing is committed before). */
    private void setStatus() {
        if (!statusSet) {
            statusSet = true;
            if (response != null) {
                startHeaders(response);
            }
        }
    }

    private static int appendSequenceHeader(MutableDirectBuffer target, int at, TrackFormat format,
                                            long timestampMs) {
        if (!format.hasSequenceHeader()) {
            return at;
        }
        byte[] header = format.sequenceHeader();
        return FlvTag.write(target, at, format.codec().kind().flvTagType(), timestampMs, header, 0, header.length);
    }

    /** A container that refuses an operation (stream closed under us) ends the viewer like a failed write. */
    static IOException containerFailure(RuntimeException e) {
        return new IOException("servlet container refused the write: " + e.getMessage(), e);
    }
}
