package io.ringcast.web;

import io.ringcast.web.http.ResponseChannel;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.servlet.spec.AsyncContextImpl;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;

/**
 * The embedded server's {@link ResponseChannel}: the exchange's own response channel (Undertow's conduits down to
 * the socket, with the connection's write timeout and watch), taken instead of the servlet stream. The response is
 * made non-persistent, so Undertow frames the body by the connection's end rather than in chunks, and a gathering
 * write reaches the socket as one {@code writev}; once the head is out, writes go straight to the socket
 * ({@link SocketSide}). Two small objects per request, none per write.
 */
final class UndertowResponseChannel implements ResponseChannel {
    private final HttpServerExchange exchange;
    private final ServletRequestContext context;
    private final ChannelListener<StreamSinkChannel> writableListener = this::writable;
    private final Runnable resumeWrites = this::resumeWrites;
    private StreamSinkChannel channel;
    private SocketSide socket;
    private volatile Runnable onWritable;

    private UndertowResponseChannel(HttpServerExchange exchange, ServletRequestContext context) {
        this.exchange = exchange;
        this.context = context;
    }

    /** Gives every servlet request of the embedded server its channel (request attribute). */
    static HandlerWrapper forEveryRequest() {
        return next -> (HttpHandler) exchange -> {
            ServletRequestContext context = exchange.getAttachment(ServletRequestContext.ATTACHMENT_KEY);
            if (context != null) {
                context.getServletRequest().setAttribute(ATTRIBUTE, new UndertowResponseChannel(exchange, context));
            }
            next.handleRequest(exchange);
        };
    }

    /** As an async task of the request: Undertow runs those only after the servlet's call returned. */
    @Override
    public void whenRequestDone(Runnable action) {
        AsyncContextImpl async = context.getOriginalRequest().getAsyncContextInternal();
        if (async == null) {
            action.run();
        } else {
            async.addAsyncTask(action);
        }
    }

    @Override
    public GatheringByteChannel open(Runnable writableAgain) throws IOException {
        this.onWritable = writableAgain;
        exchange.setPersistent(false);
        StreamSinkChannel taken = exchange.getResponseChannel();
        if (taken == null) {
            throw new IOException("the response channel was already taken");
        }
        taken.getWriteSetter().set(writableListener);
        channel = taken;
        socket = socketSide(exchange);
        return taken;
    }

    /** The socket of the exchange's HTTP/1.1 connection for direct writes, or null ({@link SocketSide#of}). */
    static SocketSide socketSide(HttpServerExchange exchange) {
        if (!(exchange.getConnection() instanceof HttpServerConnection http)) {
            return null;
        }
        // The connection's sink as accepted: while a response runs, its channel carries the response's conduits.
        return SocketSide.of(http.getOriginalSinkConduit(), http);
    }

    /**
     * Resumes writes as an async task of the request: Undertow refuses to resume them while the servlet's own call
     * is still under way (the first frames are written while the request thread may not have returned yet); the
     * servlet stream defers its resumes the same way.
     */
    @Override
    public void awaitWritable() {
        whenRequestDone(resumeWrites);
    }

    private void resumeWrites() {
        channel.resumeWrites();
    }

    /** On the I/O thread, ahead of the completion the caller starts next (it runs there too, after this). */
    @Override
    public void end() {
        StreamSinkChannel taken = channel;
        if (taken == null) {
            return;
        }
        exchange.getIoThread().execute(() -> {
            try {
                taken.shutdownWrites();
                taken.flush();
            } catch (IOException e) {
                IoUtils.safeClose(exchange.getConnection());
            }
        });
    }

    @Override
    public boolean flush() throws IOException {
        return channel.flush();
    }

    @Override
    public GatheringByteChannel afterHead() {
        return socket != null ? socket : channel;
    }

    /** I/O thread: the socket takes bytes again; once per {@link #awaitWritable()}. */
    private void writable(StreamSinkChannel writableChannel) {
        writableChannel.suspendWrites();
        Runnable r = onWritable;
        if (r != null) {
            r.run();
        }
    }
}
