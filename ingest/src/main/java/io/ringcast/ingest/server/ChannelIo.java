package io.ringcast.ingest.server;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Timed reads and writes on one non-blocking socket through its own selector; owned by the connection's thread,
 * except {@link #wakeup}.
 * A connection thread blocks here, never in a plain blocking read, so handshake and idle timeouts are enforced.
 */
final class ChannelIo implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private boolean released;
    /** Guarded by this: wakeup comes from other threads. */
    private boolean closed;

    ChannelIo(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Reads what is available, waiting up to {@code timeoutMs} for something; returns the byte count, -1 at end
     * of stream.
     *
     * @throws SocketTimeoutException when nothing arrived in time
     */
    int read(ByteBuffer dst, long timeoutMs) throws IOException {
        int n = channel.read(dst);
        if (n != 0) {
            return n;
        }
        key.interestOps(SelectionKey.OP_READ);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                throw new SocketTimeoutException("no data for " + timeoutMs + " ms");
            }
            selector.select(remainingMs);
            selector.selectedKeys().clear();
            n = channel.read(dst);
            if (n != 0) {
                return n;
            }
        }
    }

    /** Writes all of {@code src}, waiting up to {@code timeoutMs} for the peer to take it. */
    void writeFully(ByteBuffer src, long timeoutMs) throws IOException {
        channel.write(src);
        if (!src.hasRemaining()) {
            return;
        }
        key.interestOps(SelectionKey.OP_WRITE);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try {
            while (src.hasRemaining()) {
                long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMs <= 0) {
                    throw new SocketTimeoutException("peer took no data for " + timeoutMs + " ms");
                }
                selector.select(remainingMs);
                selector.selectedKeys().clear();
                channel.write(src);
            }
        } finally {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /**
     * Ends a wait in {@link #read} or {@link #writeFully} at once; any thread. After the channel was closed from
     * another thread, the woken call then fails with {@link java.nio.channels.ClosedChannelException} (closing a
     * channel does not wake a selector waiting on it).
     */
    synchronized void wakeup() {
        if (!closed) { // a closed selector's wakeup may fail
            selector.wakeup();
        }
    }

    /**
     * Gives the channel away (to a player loop) without closing it: deregisters it from this selector, whose
     * close then leaves the channel open. Returns the channel, still non-blocking.
     */
    SocketChannel release() throws IOException {
        released = true;
        key.cancel();
        selector.selectNow();
        return channel;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try {
            selector.close();
        } finally {
            if (!released) {
                channel.close();
            }
        }
    }
}
