package io.ringcast.web.http;

import jakarta.servlet.ServletRequest;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/**
 * A container's own non-blocking channel to a response body, beside the servlet stream, handed to servlets as a
 * request attribute. HTTP-FLV viewers of the embedded server write frames through it straight from the payload ring
 * (gathering writes, no copy in user space); the servlet stream would copy every byte into its buffer first. The
 * embedded server sets the attribute ({@code UndertowResponseChannel}); in other containers it is absent and
 * servlets use the servlet stream.
 *
 * <p>One writer thread at a time; the writable callback runs on a container thread.
 */
public interface ResponseChannel {
    /** Request attribute holding the request's {@link ResponseChannel}. */
    String ATTRIBUTE = "io.ringcast.responseChannel";

    /** The request's channel, or null when the container offers none. */
    static ResponseChannel of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ResponseChannel channel ? channel : null;
    }

    /**
     * Runs {@code action} once the container has finished the request's own call (the servlet returned), on a
     * container thread; the channel must not be opened before: the container still works on the exchange.
     */
    void whenRequestDone(Runnable action);

    /**
     * Commits the status and headers set on the response so far and returns the body channel; the servlet stream
     * must not be used afterwards. The body ends when the connection closes (no chunked encoding: a live body has
     * no length, and the connection is not reused after it). Once per request.
     *
     * @param onWritable run on a container thread when the channel can take bytes again after
     *                   {@link #awaitWritable()}
     */
    GatheringByteChannel open(Runnable onWritable) throws IOException;

    /** Asks for one {@code onWritable} call once the channel can take bytes again (it did not take all of some). */
    void awaitWritable();

    /** Ends the body (writes shut down, the connection closes after it); before the async context completes. */
    void end();

    /** Pushes bytes the container's layers still hold (the response head); true when nothing is left. */
    boolean flush() throws IOException;

    /**
     * The channel to write the rest of the body with once {@link #flush()} returned true: where the container
     * allows, the connection's socket itself, past its per-response layers (which only pass a body's bytes through
     * by then); else the channel {@link #open} returned.
     */
    GatheringByteChannel afterHead();
}
