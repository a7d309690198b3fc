package io.ringcast.ingest.server;

import io.ringcast.broadcast.time.NanoClock;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Timed reads and writes on one socket; owned by the connection's thread (a server connection's, or an upstream
 * client's while it connects), except {@link #wakeup}.
 * A connection thread blocks here, never in a read without a timeout, so handshake and idle timeouts are enforced.
 *
 * <p>It holds no file descriptor but the socket's. A selector per connection would cost two more (an epoll
 * instance and the eventfd that wakes it), tripling what each connection takes of the process's fd limit. Reads
 * wait in the channel's socket adaptor with a timeout (poll(2) on this socket alone); a close from another thread
 * ends such a wait at once, with {@link java.nio.channels.AsynchronousCloseException}. Writes are tried
 * non-blocking, and only a write the peer does not take at once waits, in a selector opened for that wait alone.
 */
public final class ChannelIo implements AutoCloseable {
    private final SocketChannel channel;
    private final NanoClock clock;
    private final Socket socket;
    private final InputStream in;
    private int soTimeoutMs = -1;
    private boolean released;
    /** Guarded by this: the selector of a write waiting for the peer, or null; wakeup comes from other threads. */
    private Selector writeWait;
    /** Guarded by this. */
    private boolean closed;

    /** @param clock the engine's clock: read and write timeouts are measured on it */
    public ChannelIo(SocketChannel channel, NanoClock clock) throws IOException {
        this.channel = channel;
        this.clock = clock;
        channel.configureBlocking(true);
        this.socket = channel.socket();
        this.in = socket.getInputStream();
    }

    /**
     * Reads what is available into {@code dst}, a heap buffer, waiting for something until {@code timeoutMs} after
     * {@code sinceNs} on the clock; returns the byte count, -1 at end of stream. The socket's own timeout only bounds
     * one wait: when it ends, the clock decides whether the time is up (a manual clock that has not moved keeps the
     * read waiting).
     *
     * @throws SocketTimeoutException when the clock reached the deadline before anything arrived
     */
    public int read(ByteBuffer dst, long sinceNs, long timeoutMs) throws IOException {
        long deadlineNs = sinceNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long remainingNs = deadlineNs - clock.nanoTime();
            if (remainingNs <= 0) {
                throw new SocketTimeoutException("no data for " + timeoutMs + " ms");
            }
            soTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remainingNs))));
            int n;
            try {
                n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            } catch (SocketTimeoutException e) {
                continue; // the clock decides, at the top
            }
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
    }

    private void soTimeout(int timeoutMs) throws IOException {
        if (timeoutMs == soTimeoutMs) {
            return;
        }
        try {
            socket.setSoTimeout(timeoutMs);
        } catch (SocketException e) {
            if (!channel.isOpen()) {
                throw new ClosedChannelException(); // closed by another thread, as a read would have said
            }
            throw e;
        }
        soTimeoutMs = timeoutMs;
    }

    /** Writes all of {@code src}, waiting up to {@code timeoutMs} on the clock for the peer to take it. */
    public void writeFully(ByteBuffer src, long timeoutMs) throws IOException {
        channel.configureBlocking(false);
        try {
            channel.write(src);
            if (src.hasRemaining()) {
                awaitWritten(src, timeoutMs);
            }
        } finally {
            channel.configureBlocking(true);
        }
    }

    /** The rare slow write: waits for writability in a selector of its own, closed again after. */
    private void awaitWritten(ByteBuffer src, long timeoutMs) throws IOException {
        Selector selector = openWriteWait();
        try {
            channel.register(selector, SelectionKey.OP_WRITE);
            long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (src.hasRemaining()) {
                long remainingNs = deadlineNs - clock.nanoTime();
                if (remainingNs <= 0) {
                    throw new SocketTimeoutException("peer took no data for " + timeoutMs + " ms");
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
                selector.selectedKeys().clear();
                if (!channel.isOpen()) {
                    throw new ClosedChannelException();
                }
                channel.write(src);
            }
        } finally {
            closeWriteWait(selector); // deregisters the channel, so that it may block again
        }
    }

    private synchronized Selector openWriteWait() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        writeWait = Selector.open();
        return writeWait;
    }

    private synchronized void closeWriteWait(Selector selector) throws IOException {
        writeWait = null;
        selector.close();
    }

    /**
     * Ends a wait in {@link #writeFully} at once; any thread. A read needs no wakeup: closing the channel from
     * another thread ends it. After the channel was closed, the woken write fails with
     * {@link ClosedChannelException} (closing a channel does not wake a selector waiting on it).
     */
    public synchronized void wakeup() {
        if (writeWait != null) {
            writeWait.wakeup();
        }
    }

    /** Gives the channel away (to a player loop) without closing it; returns it, switched to non-blocking. */
    public SocketChannel release() throws IOException {
        released = true;
        channel.configureBlocking(false);
        return channel;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (!released) {
            channel.close();
        }
    }
}
