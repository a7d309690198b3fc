package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.upstream.PullTarget;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Fake upstreams for relay tests: each host has a script of what its next attempts do (refuse, go live for a while
 * on the manual clock, go live and block until closed); every attempt is recorded with its clock time.
 */
final class FakePulls implements Function<UpstreamUrl, UpstreamPull> {
    /** What one attempt does. */
    interface Behaviour {
        void run(Fake fake, PullTarget target) throws IOException;
    }

    /** One attempt as the relay made it. */
    record AttemptRecord(String host, long atNs) {
    }

    private final ManualClock clock;
    private final Map<String, Deque<Behaviour>> scripts = new HashMap<>();
    private final Map<String, Behaviour> defaults = new HashMap<>();
    private final List<AttemptRecord> attempts = new ArrayList<>();
    private final List<Fake> made = new ArrayList<>();

    private StreamRegistry registry;
    private StreamPath path;

    FakePulls(ManualClock clock) {
        this.clock = clock;
    }

    /** Where behaviours publish keyframes: the publisher of {@code path} (the attempt's session, once live). */
    synchronized FakePulls feeding(StreamRegistry streams, StreamPath stream) {
        this.registry = streams;
        this.path = stream;
        return this;
    }

    /** The next attempts at {@code host} do these, in order; then the default (refuse). */
    synchronized FakePulls script(String host, Behaviour... behaviours) {
        scripts.computeIfAbsent(host, h -> new ArrayDeque<>()).addAll(List.of(behaviours));
        return this;
    }

    /** What attempts at {@code host} do once its script ran out. */
    synchronized FakePulls always(String host, Behaviour behaviour) {
        defaults.put(host, behaviour);
        return this;
    }

    synchronized List<AttemptRecord> attempts() {
        return List.copyOf(attempts);
    }

    synchronized List<String> hostsTried() {
        return attempts.stream().map(AttemptRecord::host).toList();
    }

    synchronized List<Fake> made() {
        return List.copyOf(made);
    }

    @Override
    public synchronized UpstreamPull apply(UpstreamUrl url) {
        attempts.add(new AttemptRecord(url.host(), clock.nanoTime()));
        Deque<Behaviour> script = scripts.get(url.host());
        Behaviour behaviour = script != null && !script.isEmpty() ? script.poll()
                : defaults.getOrDefault(url.host(), refuse("connection refused"));
        Fake fake = new Fake(url, behaviour, registry, path);
        made.add(fake);
        return fake;
    }

    static Behaviour refuse(String reason) {
        return (fake, target) -> {
            throw new UpstreamException(reason);
        };
    }

    /** Goes live, publishes keyframes at these raw timestamps, stays live for {@code live}, then fails with reason. */
    Behaviour liveFor(Duration live, String reason, long... rawTimestampsMs) {
        return (fake, target) -> {
            target.live();
            target.bytesRead(1000);
            fake.publishKeyframes(rawTimestampsMs);
            clock.advance(live);
            throw new UpstreamException(reason);
        };
    }

    /** Goes live and publishes one keyframe, then blocks until closed (for tests whose pool is a real executor). */
    static Behaviour liveUntilClosed() {
        return (fake, target) -> {
            target.live();
            fake.publishKeyframes(0);
            fake.awaitClose();
        };
    }

    /** Never delivers: blocks "connecting" until closed. */
    static Behaviour silentUntilClosed() {
        return (fake, target) -> fake.awaitClose();
    }

    /** One fake upstream connection. */
    static final class Fake implements UpstreamPull {
        final UpstreamUrl url;
        private final Behaviour behaviour;
        private final CountDownLatch closed = new CountDownLatch(1);
        private final StreamRegistry registry;
        private final StreamPath path;

        Fake(UpstreamUrl url, Behaviour behaviour, StreamRegistry registry, StreamPath path) {
            this.url = url;
            this.behaviour = behaviour;
            this.registry = registry;
            this.path = path;
        }

        @Override
        public void run(PullTarget target) throws IOException {
            behaviour.run(this, target);
        }

        void publishKeyframes(long... rawTimestampsMs) {
            Stream s = registry == null ? null : registry.find(path);
            StreamPublisher publisher = s == null ? null : s.publisher();
            if (publisher == null) {
                return;
            }
            TrackRing ring = publisher.track(TrackKind.VIDEO);
            for (long ts : rawTimestampsMs) {
                long position = ring.reserve(16);
                publisher.publish(TrackKind.VIDEO, position, 16, 5, Codec.AVC, true, false, ts, 0, 0);
            }
        }

        void awaitClose() throws IOException {
            try {
                if (!closed.await(10, TimeUnit.SECONDS)) {
                    throw new UpstreamException("fake upstream was never closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            throw new IOException("socket closed");
        }

        boolean isClosed() {
            return closed.getCount() == 0;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }
}
