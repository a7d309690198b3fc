package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.time.NanoClock;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The TCP connection of one pull: connect with a timeout, a request written, then reads with a timeout straight into
 * the caller's buffer; owned by the pull's thread, except {@link #close()} (any thread).
 *
 * <p>Reads land in the destination buffer's own memory, a track ring's direct buffer included: the channel is
 * non-blocking and waits in a selector of its own, because the JDK offers a read timeout only on a blocking
 * {@code Socket}'s stream, which reads into a byte array (a copy through a temporary direct buffer, then another into
 * the ring). The selector costs two file descriptors per pull; pulls are few ({@code [relay] max_pulls}).
 */
final class UpstreamSocket implements UpstreamSource, AutoCloseable {
    private final NanoClock clock;
    private final int readTimeoutMs;
    /** Views of the buffers reads go to, made once per buffer (a track ring's memory lives as long as the ring). */
    /** The read buffer, the tag reader's scratch and script buffers, two track rings, and spares. */
    private static final int VIEWS = 8;
    private final MutableDirectBuffer[] viewBuffers = new MutableDirectBuffer[VIEWS];
    private final Object[] viewMemory = new Object[VIEWS];
    private final ByteBuffer[] views = new ByteBuffer[VIEWS];
    private int nextView;
    /** Guarded by this: set once, by the pull's thread, read by {@link #close()}. */
    private SocketChannel channel;
    private Selector selector;
    private boolean closed;

    UpstreamSocket(NanoClock clock, int readTimeoutMs) {
        this.clock = clock;
        this.readTimeoutMs = readTimeoutMs;
    }

    /**
     * Connects within {@code connectTimeoutMs} and writes {@code request}.
     *
     * @throws UpstreamException when the connection is refused or times out, naming {@code where}
     */
    void connect(String host, int port, int connectTimeoutMs, ByteBuffer request, String where)
            throws IOException {
        SocketChannel ch;
        synchronized (this) {
            if (closed) {
                throw new AsynchronousCloseException();
            }
            ch = SocketChannel.open();
            channel = ch;
        }
        try {
            ch.socket().connect(new InetSocketAddress(host, port), connectTimeoutMs);
        } catch (SocketTimeoutException e) {
            throw new UpstreamException("connect to " + where + " timed out after " + connectTimeoutMs + " ms", e);
        } catch (java.net.ConnectException e) {
            throw new UpstreamException("connect to " + where + " refused: " + e.getMessage(), e);
        } catch (java.nio.channels.UnresolvedAddressException e) {
            throw new UpstreamException("cannot resolve the host of " + where, e);
        }
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        while (request.hasRemaining()) {
            ch.write(request); // blocking: a request of a few hundred bytes fits the empty send buffer
        }
        ch.configureBlocking(false);
        synchronized (this) {
            if (closed) {
                throw new AsynchronousCloseException();
            }
            selector = Selector.open();
        }
        ch.register(selector, SelectionKey.OP_READ);
    }

    @Override
    public int read(MutableDirectBuffer dst, int offset, int length) throws IOException {
        ByteBuffer into = viewOf(dst);
        into.limit(offset + length).position(offset); // limit first: the view's limit may lie below offset
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
        while (true) {
            int n = channel.read(into);
            if (n != 0) {
                return n;
            }
            long remainingNs = deadlineNs - clock.nanoTime();
            if (remainingNs <= 0) {
                throw new UpstreamException("upstream sent nothing for " + readTimeoutMs + " ms");
            }
            selector.select(UpstreamSocket::ready, Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
            if (isClosed()) {
                throw new AsynchronousCloseException();
            }
        }
    }

    /**
     * A ByteBuffer over the whole of {@code dst}'s memory, made once per buffer and memory: reads alternate between
     * the read buffer, the tag reader's buffers and the track rings' buffers, so a few views are kept (nothing is
     * allocated per read).
     */
    private ByteBuffer viewOf(MutableDirectBuffer dst) {
        Object memory = dst.byteBuffer() != null ? dst.byteBuffer() : dst.byteArray();
        for (int i = 0; i < VIEWS; i++) {
            if (viewBuffers[i] == dst && viewMemory[i] == memory && views[i].capacity() == dst.capacity()) {
                return views[i];
            }
        }
        ByteBuffer whole;
        if (dst.byteBuffer() != null) {
            whole = dst.byteBuffer().duplicate().clear();
            whole.position(dst.wrapAdjustment()).limit(dst.wrapAdjustment() + dst.capacity());
            whole = whole.slice();
        } else if (dst.byteArray() != null) {
            whole = ByteBuffer.wrap(dst.byteArray(), dst.wrapAdjustment(), dst.capacity()).slice();
        } else {
            throw new IllegalArgumentException("a read needs a buffer over a ByteBuffer or an array");
        }
        int slot = nextView;
        nextView = (nextView + 1) % VIEWS;
        viewBuffers[slot] = dst;
        viewMemory[slot] = memory;
        views[slot] = whole;
        return whole;
    }

    /**
     * Readiness needs no handling beyond the wakeup: selecting with an action (a non-capturing method reference,
     * allocated once) leaves the selected-key set alone, which would allocate a set entry per wait.
     */
    private static void ready(SelectionKey key) {
        // the read that follows the wait takes what arrived
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the connection; a read waiting in another thread ends at once. Any thread, idempotent. */
    @Override
    public void close() {
        SocketChannel ch;
        Selector sel;
        synchronized (this) {
            closed = true;
            ch = channel;
            sel = selector;
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing: nothing left to do with this socket
            }
        }
        if (sel != null) {
            sel.wakeup();
        }
    }

    /** Frees the selector; the pull's thread, after its last read. */
    void release() {
        Selector sel;
        synchronized (this) {
            sel = selector;
        }
        if (sel != null) {
            try {
                sel.close();
            } catch (IOException e) {
                // the selector's fds are gone either way
            }
        }
    }
}
