package io.ringcast.web;

import io.ringcast.broadcast.time.NanoClock;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;

/**
 * Watches one HTTP connection's socket reads and writes so that, when the server closes it, the limit that did
 * is counted in {@link HttpCounters}. One per connection; reads come from its I/O thread, writes from any
 * thread, the close from either.
 *
 * <p>Undertow closes for a limit without telling anyone: an oversized head gets its fixed 400 and a close, a
 * parse or idle timeout a plain close. What the socket saw tells them apart. The bytes read since the last write
 * are the request head in progress (ringcast's API takes no request bodies): above {@code max_header_bytes} it was
 * refused for its size; a head still unanswered {@code request_parse_timeout_ms} after its first byte was closed
 * for the parse timeout; nothing in either direction for {@code idle_timeout_ms} is the idle timeout. A peer that
 * closed first, or a server shutting down, is not counted.
 */
final class HttpConnectionWatch {
    /** Undertow's timers use the millisecond wall clock, started no earlier than our marks; this absorbs rounding. */
    private static final long CLOCK_SLACK_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final HttpConnectionLimits limits;
    private final HttpCounters counters;
    private final NanoClock clock;
    private volatile long headBytes;
    private volatile long headStartNs;
    private volatile boolean wroteSinceRead;
    private volatile long lastIoNs;
    private volatile boolean peerGone;
    private volatile boolean streamingBody;

    /** The limits as Undertow applies them, in the units compared here. */
    record HttpConnectionLimits(long maxHeaderBytes, long parseTimeoutNs, long idleTimeoutNs) {
        static HttpConnectionLimits of(HttpConfig http) {
            return new HttpConnectionLimits(http.maxHeaderBytes(),
                    TimeUnit.MILLISECONDS.toNanos(http.requestParseTimeoutMs()),
                    TimeUnit.MILLISECONDS.toNanos(http.idleTimeoutMs()));
        }
    }

    HttpConnectionWatch(HttpConnectionLimits limits, HttpCounters counters, NanoClock clock) {
        this.limits = limits;
        this.counters = counters;
        this.clock = clock;
        this.lastIoNs = clock.nanoTime();
    }

    /** Puts the watching conduits under whatever Undertow adds; call before Undertow sees the connection. */
    void install(StreamConnection connection) {
        connection.getSourceChannel().setConduit(new ReadWatch(connection.getSourceChannel().getConduit(), this));
        connection.getSinkChannel().setConduit(new WriteWatch(connection.getSinkChannel().getConduit(), this));
    }

    /**
     * A response body streams on this connection, written below the watch ({@link SocketSide}) from now on: its
     * close is then no limit's doing (Undertow's idle and parse timeouts apply between requests only).
     */
    void streamingBody() {
        streamingBody = true;
    }

    void read(long bytes) {
        if (bytes < 0) {
            peerGone = true;
            return;
        }
        if (bytes == 0) {
            return;
        }
        long now = clock.nanoTime();
        if (wroteSinceRead || headBytes == 0) {
            // The first bytes after a response (or on a new connection) start the next request head.
            wroteSinceRead = false;
            headBytes = 0;
            headStartNs = now;
        }
        headBytes += bytes;
        lastIoNs = now;
    }

    void wrote(long bytes) {
        if (bytes > 0) {
            wroteSinceRead = true;
            lastIoNs = clock.nanoTime();
        }
    }

    void peerGone() {
        peerGone = true;
    }

    /** The connection closed; {@code serverStopping} closes are not the limits' doing. */
    void closed(boolean serverStopping) {
        if (peerGone || serverStopping || streamingBody) {
            return;
        }
        long now = clock.nanoTime();
        if (headBytes > limits.maxHeaderBytes()) {
            counters.headerTooLarge().incrementAndGet();
        } else if (!wroteSinceRead && headBytes > 0) {
            if (now - headStartNs + CLOCK_SLACK_NS >= limits.parseTimeoutNs()) {
                counters.parseTimeout().incrementAndGet();
            }
        } else if (now - lastIoNs + CLOCK_SLACK_NS >= limits.idleTimeoutNs()) {
            counters.idleTimeout().incrementAndGet();
        }
    }

    /** Reports the bytes each read returned; -1 or a failure means the peer is gone. */
    private static final class ReadWatch extends AbstractStreamSourceConduit<StreamSourceConduit> {
        private final HttpConnectionWatch watch;

        ReadWatch(StreamSourceConduit next, HttpConnectionWatch watch) {
            super(next);
            this.watch = watch;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            try {
                int n = next.read(dst);
                watch.read(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            try {
                long n = next.read(dsts, offset, length);
                watch.read(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) throws IOException {
            long n = next.transferTo(position, count, target);
            watch.read(n);
            return n;
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
            long n = next.transferTo(count, throughBuffer, target);
            watch.read(n);
            return n;
        }
    }

    /**
     * Reports that bytes went out; a failure means the peer is gone. Each override spells out the same few lines
     * instead of sharing a lambda: they run for every write to a viewer, where a capturing lambda would allocate.
     */
    static final class WriteWatch extends AbstractStreamSinkConduit<StreamSinkConduit> {
        private final HttpConnectionWatch watch;

        WriteWatch(StreamSinkConduit next, HttpConnectionWatch watch) {
            super(next);
            this.watch = watch;
        }

        HttpConnectionWatch watch() {
            return watch;
        }

        /** The conduit below, the next one towards the socket. */
        StreamSinkConduit below() {
            return next;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            try {
                int n = next.write(src);
                watch.wrote(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            try {
                long n = next.write(srcs, offset, length);
                watch.wrote(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public int writeFinal(ByteBuffer src) throws IOException {
            try {
                int n = next.writeFinal(src);
                watch.wrote(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
            try {
                long n = next.writeFinal(srcs, offset, length);
                watch.wrote(n);
                return n;
            } catch (IOException e) {
                watch.peerGone();
                throw e;
            }
        }

        @Override
        public long transferFrom(FileChannel src, long position, long count) throws IOException {
            long n = next.transferFrom(src, position, count);
            watch.wrote(n);
            return n;
        }

        @Override
        public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer)
                throws IOException {
            long n = next.transferFrom(source, count, throughBuffer);
            watch.wrote(n);
            return n;
        }
    }
}
