package io.ringcast.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Buffers;
import org.xnio.IoUtils;
import org.xnio.conduits.StreamSinkConduit;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The socket of one embedded HTTP connection, written directly, with what ringcast's conduits on it need told to
 * them: a live response body's frames go from the payload ring to the socket in one {@code writev} and touch no
 * other object. Through the conduits, each write visited a dozen objects per viewer (Undertow's response layers,
 * the connection watch, the write timeout and its stall, XNIO's socket conduit), and with a thousand viewers those
 * are cache misses, each frame: see perf/RESULTS.md (issue 15, third round) for what the direct write saves.
 *
 * <p>What the conduits did per write, done here: a write that leaves bytes behind is reported to the write timeout
 * (its stall clock starts; no progress for {@code write_timeout_ms} closes the connection) and to the watch; a
 * failed write marks the peer gone and closes the connection. A write that takes everything needs nothing: the
 * writer waits for writability after any short write, and the writable callback ends the stall before it writes
 * again. The watch learns once that a body streams, so that the connection's close is not taken for an idle
 * timeout.
 *
 * <p>XNIO keeps the socket inside its connection; it is reached once per response through XNIO's socket conduit.
 * When that is not possible (another XNIO), {@link #of} returns null and writes take the conduits.
 * One writer thread at a time.
 */
final class SocketSide implements GatheringByteChannel {
    private static final Logger LOG = LoggerFactory.getLogger(SocketSide.class);
    private static final String XNIO_SOCKET_CONDUIT = "org.xnio.nio.NioSocketConduit";
    private static final MethodHandle SOCKET_OF_CONDUIT = socketAccessor();

    private final SocketChannel socket;
    private final HttpConnectionWatch watch;
    private final HttpWriteTimeout.Conduit timeout;
    private final Closeable connection;

    private SocketSide(SocketChannel socket, HttpConnectionWatch watch, HttpWriteTimeout.Conduit timeout,
                       Closeable connection) {
        this.socket = socket;
        this.watch = watch;
        this.timeout = timeout;
        this.connection = connection;
    }

    /**
     * The socket under {@code connectionSink}, a connection's sink, when that is ringcast's chain only (the watch
     * over the write timeout over XNIO's socket conduit, nothing of Undertow's around it); else null. Tells the
     * watch that a body streams from now on.
     *
     * @param connection closed when a write fails, as Undertow's response conduit does
     */
    static SocketSide of(StreamSinkConduit connectionSink, Closeable connection) {
        if (SOCKET_OF_CONDUIT == null
                || !(connectionSink instanceof HttpConnectionWatch.WriteWatch watched)
                || !(watched.below() instanceof HttpWriteTimeout.Conduit timeout)
                || !timeout.below().getClass().getName().equals(XNIO_SOCKET_CONDUIT)) {
            return null;
        }
        SocketChannel socket;
        try {
            socket = (SocketChannel) SOCKET_OF_CONDUIT.invoke(timeout.below());
        } catch (RuntimeException e) {
            LOG.debug("no direct socket writes: {}", e.toString());
            return null;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("a getter declared no checked exception", e);
        }
        watched.watch().streamingBody();
        return new SocketSide(socket, watched.watch(), timeout, connection);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n;
        try {
            n = socket.write(srcs, offset, length);
        } catch (IOException e) {
            failed();
            throw e;
        }
        if (Buffers.hasRemaining(srcs, offset, length)) {
            leftBehind(n);
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n;
        try {
            n = socket.write(src);
        } catch (IOException e) {
            failed();
            throw e;
        }
        if (src.hasRemaining()) {
            leftBehind(n);
        }
        return n;
    }

    /** Short write: the watch and the write timeout learn of it (which closes a connection that stalled). */
    private void leftBehind(long written) throws IOException {
        watch.wrote(written);
        timeout.afterWrite(written, true);
    }

    private void failed() {
        watch.peerGone();
        IoUtils.safeClose(connection);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Nothing to do: the socket is the connection's, which closes it. */
    @Override
    public void close() {
    }

    private static MethodHandle socketAccessor() {
        try {
            Method getter = Class.forName(XNIO_SOCKET_CONDUIT).getDeclaredMethod("getSocketChannel");
            getter.setAccessible(true);
            return MethodHandles.lookup().unreflect(getter);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("HTTP-FLV writes go through the connection's conduits: {}", e.toString());
            return null;
        }
    }
}
