package io.ringcast.web.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The half every servlet async-I/O body writer shares ({@link ResponseBody}, the LL-HLS part streamer): it is both
 * the stream's write listener and the async cycle's listener, and ends the cycle exactly once, whether the body is
 * out ({@link #complete()} from {@link #onWritePossible()}), the client went away, or the cycle timed out.
 * Subclasses write in {@link #onWritePossible()}; callbacks run on container threads, one at a time.
 */
public abstract class AsyncBodyWriter implements WriteListener, AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncBodyWriter.class);

    protected final AsyncContext async;
    protected final ServletOutputStream out;
    private final AtomicBoolean completed = new AtomicBoolean();

    protected AsyncBodyWriter(AsyncContext async, ServletOutputStream out) {
        this.async = async;
        this.out = out;
    }

    /** Request thread: becomes the cycle's listener and the stream's write listener, which starts the writing. */
    protected final void start() {
        async.addListener(this);
        out.setWriteListener(this);
    }

    /** What was being written and how far it got, for the debug line of an abandoned body. */
    protected abstract String progress();

    /** Whether the cycle ended (by this writer or by the container). */
    protected final boolean isCompleted() {
        return completed.get();
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("{} abandoned: {}", progress(), t.toString());
        complete();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        completed.set(true);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        complete();
    }

    @Override
    public void onError(AsyncEvent event) {
        complete();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // One async cycle per body.
    }

    /** Ends the cycle once: the container finishes writing what it holds, then ends the response. */
    protected final void complete() {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // The container ended the request first (connection closed, shutdown): nothing left to end.
            LOG.debug("async context already ended: {}", e.toString());
        }
    }
}
