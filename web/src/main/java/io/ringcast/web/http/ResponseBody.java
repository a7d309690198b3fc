package io.ringcast.web.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Sends a complete body that is already in memory (an HLS segment, a report) so that a client that does not read
 * holds no request thread: a body above {@link #BLOCKING_MAX_BYTES} goes out through servlet async I/O, in slices
 * of at most {@link #SLICE_BYTES} handed over only while the container says it is ready. Jakarta servlet API only,
 * so it works alike in the embedded Undertow, Tomcat and Jetty. {@link #send} runs on the request thread; the
 * callbacks run on container threads, one at a time.
 *
 * <p>Memory: the body is shared, never copied whole. A container holds at most the slice it could not write
 * (Undertow copies what a non-blocking write left behind), so a stalled client costs one slice, not the body.
 *
 * <p>The async context has no timeout: a slow client that keeps reading may take as long as it needs. One that
 * stops reading is ended by the connection's write timeout ({@code [http] write_timeout_ms} embedded; the
 * container's own write or idle timeout in a WAR), and the container then calls {@link #onError(Throwable)}.
 *
 * <p>A small body is written at once on the request thread: it fits in the socket's send buffer, so the write
 * returns without waiting for the client (and the embedded server's write timeout bounds it if it did not).
 */
public final class ResponseBody extends AsyncBodyWriter {
    /** Bodies up to this are written directly: less than any socket send buffer the server runs with. */
    public static final int BLOCKING_MAX_BYTES = 16 * 1024;
    /**
     * Bytes handed to the container per write; what a stalled client can make the container hold. Not above
     * Tomcat's output buffer (8 KB): in Tomcat 10.1 non-blocking writes larger than it came out corrupted once the
     * socket pushed back (64 KB slices: the bytes from 256 KB on were wrong, TomcatWarIT); Undertow and Jetty took
     * either.
     */
    public static final int SLICE_BYTES = 8 * 1024;
    private final byte[] body;
    /** Bytes handed to the container so far; container threads, one callback at a time. */
    private int offset;

    private ResponseBody(AsyncContext async, ServletOutputStream out, byte[] body) {
        super(async, out);
        this.body = body;
    }

    /**
     * Sets the content length and sends {@code body} unless {@code withBody} is false or the request is a HEAD.
     * Status and headers must be set before. After this returns the servlet must not touch the response again.
     * Request thread.
     */
    public static void send(HttpServletRequest request, HttpServletResponse response, byte[] body,
                            boolean withBody) throws IOException {
        response.setContentLength(body.length);
        if (!withBody || "HEAD".equals(request.getMethod()) || body.length == 0) {
            return;
        }
        if (body.length <= BLOCKING_MAX_BYTES || !request.isAsyncSupported()) {
            // Small, or a deployment that maps the servlet without async support: the container's write timeout
            // is then what bounds a client that does not read.
            response.getOutputStream().write(body);
            return;
        }
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        new ResponseBody(async, out, body).start();
    }

    @Override
    public void onWritePossible() throws IOException {
        while (out.isReady()) {
            int length = Math.min(SLICE_BYTES, body.length - offset);
            out.write(body, offset, length);
            offset += length;
            if (offset == body.length) {
                // The container finishes writing what it holds, then ends the response.
                complete();
                return;
            }
        }
    }

    @Override
    protected String progress() {
        return "response body after " + offset + " of " + body.length + " bytes";
    }
}
