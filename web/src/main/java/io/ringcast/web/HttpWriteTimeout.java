package io.ringcast.web;

import io.ringcast.broadcast.time.NanoClock;
import org.xnio.Buffers;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.channels.WriteTimeoutException;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code [http] write_timeout_ms} for the embedded server: every accepted connection gets a write conduit right on
 * its socket that closes the connection once its writes have made no progress for the timeout (see
 * {@link WriteStall}), counted as {@code http.closed.write_timeout}. Wraps the listener that accepts connections and
 * runs on the accepting I/O thread; each conduit is used by whichever thread writes, and its timer runs on the
 * connection's I/O thread.
 *
 * <p>Both ways of writing are bounded. A blocking write (a servlet writing a body on a request thread) waits for
 * the socket at most until the timeout, then fails with a {@link WriteTimeoutException} and the connection is
 * closed: a client that reads nothing holds a request thread for the timeout at most. A non-blocking write
 * (servlet async with a {@code WriteListener}, as HTTP-FLV viewers and HLS segments write) holds no thread; a timer
 * armed when the writer starts waiting closes the connection and calls the waiting write listener, which then sees
 * the closed channel and ends the request.
 */
final class HttpWriteTimeout implements ChannelListener<StreamConnection> {
    private final ChannelListener<? super StreamConnection> next;
    private final long timeoutNs;
    private final AtomicLong closedCount;
    private final NanoClock clock;

    /**
     * @param next        receives each connection once the conduit is in place
     * @param timeoutMs   {@code [http] write_timeout_ms}, positive
     * @param closedCount incremented once per connection closed by the timeout
     */
    HttpWriteTimeout(ChannelListener<? super StreamConnection> next, long timeoutMs, AtomicLong closedCount,
                     NanoClock clock) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("write_timeout_ms must be positive: " + timeoutMs);
        }
        this.next = next;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.closedCount = closedCount;
        this.clock = clock;
    }

    /** {@code next} behind the {@code [http]} write timeout, counted in {@link HttpCounters#writeTimeout()}. */
    static HttpWriteTimeout before(ChannelListener<? super StreamConnection> next, HttpConfig http,
                                   HttpCounters counters) {
        return new HttpWriteTimeout(next, http.writeTimeoutMs(), counters.writeTimeout(), NanoClock.SYSTEM);
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        ConduitStreamSinkChannel sink = connection.getSinkChannel();
        sink.setConduit(new Conduit(sink.getConduit(), connection, new WriteStall(timeoutNs, clock), this));
        ChannelListeners.invokeChannelListener(connection, next);
    }

    /**
     * The socket-side conduit of one connection. Each write override spells out the same few lines instead of
     * sharing a lambda: they run for every write to a viewer, where a capturing lambda would allocate.
     */
    static final class Conduit extends AbstractStreamSinkConduit<StreamSinkConduit> {
        private final StreamConnection connection;
        private final WriteStall stall;
        private final HttpWriteTimeout owner;
        private final AtomicBoolean timerArmed = new AtomicBoolean();
        private final AtomicBoolean expired = new AtomicBoolean();
        private final Runnable check = this::check;

        Conduit(StreamSinkConduit next, StreamConnection connection, WriteStall stall, HttpWriteTimeout owner) {
            super(next);
            this.connection = connection;
            this.stall = stall;
            this.owner = owner;
        }

        /** The conduit below, XNIO's socket conduit. */
        StreamSinkConduit below() {
            return next;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = next.write(src);
            afterWrite(n, src.hasRemaining());
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = next.write(srcs, offset, length);
            afterWrite(n, Buffers.hasRemaining(srcs, offset, length));
            return n;
        }

        @Override
        public int writeFinal(ByteBuffer src) throws IOException {
            int n = next.writeFinal(src);
            afterWrite(n, src.hasRemaining());
            return n;
        }

        @Override
        public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = next.writeFinal(srcs, offset, length);
            afterWrite(n, Buffers.hasRemaining(srcs, offset, length));
            return n;
        }

        @Override
        public long transferFrom(FileChannel src, long position, long count) throws IOException {
            long n = next.transferFrom(src, position, count);
            afterWrite(n, n < count);
            return n;
        }

        @Override
        public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer)
                throws IOException {
            long n = next.transferFrom(source, count, throughBuffer);
            afterWrite(n, throughBuffer.hasRemaining());
            return n;
        }

        @Override
        public void resumeWrites() {
            stall.waiting();
            next.resumeWrites();
            armTimer();
        }

        @Override
        public void wakeupWrites() {
            stall.waiting();
            next.wakeupWrites();
            armTimer();
        }

        @Override
        public void suspendWrites() {
            stall.notWaiting();
            next.suspendWrites();
        }

        @Override
        public void awaitWritable() throws IOException {
            awaitWritable(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        }

        /** Waits at most until the connection would stall; the next write then decides. */
        @Override
        public void awaitWritable(long time, TimeUnit timeUnit) throws IOException {
            stall.waiting();
            long waitNs = Math.min(timeUnit.toNanos(time), stall.remainingNs());
            if (waitNs > 0) {
                // Whole milliseconds, rounded up: a wait of 0 could mean "no limit" further down.
                next.awaitWritable(TimeUnit.NANOSECONDS.toMillis(waitNs) + 1, TimeUnit.MILLISECONDS);
            }
        }

        /** After a write of {@code bytes} to the socket, through this conduit or past it ({@link SocketSide}). */
        void afterWrite(long bytes, boolean leftBehind) throws IOException {
            stall.wrote(bytes, leftBehind);
            if (bytes == 0 && leftBehind && stall.hasStalled()) {
                expire(false);
                throw new WriteTimeoutException("no write progress for " + TimeUnit.NANOSECONDS.toMillis(
                        owner.timeoutNs) + " ms ([http] write_timeout_ms): connection closed");
            }
        }

        /** At most one timer per connection; it re-arms itself while the connection waits without stalling. */
        private void armTimer() {
            if (timerArmed.compareAndSet(false, true)) {
                long delayNs = Math.max(stall.remainingNs(), 0);
                try {
                    connection.getIoThread().executeAfter(check, TimeUnit.NANOSECONDS.toMillis(delayNs) + 1,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    timerArmed.set(false); // the server stops: its close ends the connection anyway
                }
            }
        }

        /** The timer, on the connection's I/O thread. */
        private void check() {
            timerArmed.set(false);
            if (!connection.isOpen()) {
                return;
            }
            if (stall.hasStalled()) {
                expire(true);
            } else if (stall.isWaiting()) {
                armTimer();
            }
        }

        /**
         * Closes the connection, once, and counts it. On the I/O thread ({@code wakeListeners}) it then calls a
         * write listener that waits for the socket (and a read listener), as Undertow's own timeouts do, so that it
         * finds the channel closed and ends its request; a blocking writer gets the exception instead.
         */
        private void expire(boolean wakeListeners) {
            if (!expired.compareAndSet(false, true)) {
                return;
            }
            owner.closedCount.incrementAndGet();
            IoUtils.safeClose(connection);
            if (!wakeListeners) {
                return;
            }
            ConduitStreamSinkChannel sink = connection.getSinkChannel();
            if (sink.isWriteResumed()) {
                ChannelListeners.invokeChannelListener(sink, sink.getWriteListener());
            }
            ConduitStreamSourceChannel source = connection.getSourceChannel();
            if (source.isReadResumed()) {
                ChannelListeners.invokeChannelListener(source, source.getReadListener());
            }
        }
    }
}
