package io.ringcast.web.http;

import jakarta.servlet.ServletRequest;

/**
 * A container's way to cut a request's connection at once, handed to servlets as a request attribute. Ending a
 * response the portable way ({@code AsyncContext.complete()}) first sends what is buffered; a viewer dropped for
 * not reading never takes it, so its socket, connection and kernel buffers would stay until the client leaves.
 * The embedded server sets the attribute ({@code UndertowConnectionAbort}); in other containers it is absent and
 * their own write timeouts end such connections.
 */
public final class ConnectionAbort {
    /** Request attribute holding a {@link Runnable} that closes the request's connection; any thread may run it. */
    public static final String ATTRIBUTE = "io.ringcast.connectionAbort";

    private ConnectionAbort() {
    }

    /** The request's abort action, or null when the container offers none. */
    public static Runnable of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof Runnable abort ? abort : null;
    }
}
