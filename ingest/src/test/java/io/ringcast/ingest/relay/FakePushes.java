package io.ringcast.ingest.relay;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/** Fake push targets: each connect succeeds or refuses as scripted; a connected one can be dropped by the test. */
final class FakePushes implements Function<UpstreamUrl, UpstreamPush> {
    private final Deque<String> refusals = new ArrayDeque<>();
    private final List<Fake> made = new ArrayList<>();

    /** The next connects fail with these reasons, then they succeed. */
    synchronized FakePushes script(String... reasons) {
        refusals.addAll(java.util.Arrays.asList(reasons));
        return this;
    }

    synchronized List<Fake> made() {
        return List.copyOf(made);
    }

    @Override
    public synchronized UpstreamPush apply(UpstreamUrl url) {
        Fake fake = new Fake(url, refusals.poll());
        made.add(fake);
        return fake;
    }

    /** One fake push connection with a sink that takes everything. */
    static final class Fake implements UpstreamPush, FrameSink {
        final UpstreamUrl url;
        private final String refusal;
        private final AtomicBoolean closed = new AtomicBoolean();
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger frames = new AtomicInteger();
        private volatile Consumer<String> hook;

        Fake(UpstreamUrl url, String refusal) {
            this.url = url;
            this.refusal = refusal;
        }

        @Override
        public Subscription connect(Stream stream, RingConfig rings, Consumer<String> onClosed)
                throws UpstreamException {
            if (refusal != null) {
                throw new UpstreamException(refusal);
            }
            hook = onClosed;
            return new Subscription(stream, "push", this, rings);
        }

        @Override
        public long skips() {
            return 0;
        }

        /** The target drops the connection. */
        void drop(String reason) {
            end(reason, true);
        }

        private void end(String reason, boolean tell) {
            if (closed.compareAndSet(false, true)) {
                Consumer<String> h = hook;
                if (h != null && tell) {
                    h.accept(reason);
                }
            }
        }

        boolean isClosed() {
            return closed.get();
        }

        @Override
        public long bytesWritten() {
            return frames.get() * 100L;
        }

        @Override
        public long framesWritten() {
            return frames.get();
        }

        @Override
        public void close() {
            end("closed", false);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
            starts.incrementAndGet();
        }

        @Override
        public void writeSequenceHeader(TrackFormat format, long timestampMs) {
        }

        @Override
        public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length) {
            frames.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close(CloseReason reason) {
            end("subscription ended: " + reason, true);
        }
    }
}
