package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/** The registry's on-demand streams as the relay branch needs them (minimal; the ondemand branch owns the rest). */
@Timeout(10)
class StreamRegistryDemandTest {
    private final ManualClock clock = new ManualClock(0);
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS,
            new RingConfig(64, 64, 1 << 16, 1 << 16, false, 1_000, 5_000),
            new LimitsConfig(10, 10, 64L << 20, 3_600_000), clock);
    private final StreamPath path = StreamPath.parse("live/x");
    private final List<Stream> started = new ArrayList<>();
    private final OnDemandSource source = new OnDemandSource() {
        @Override
        public boolean supplies(StreamPath p) {
            return p.app().equals("live");
        }

        @Override
        public void start(Stream stream) {
            started.add(stream);
        }
    };

    @Test
    void shouldCreateOneOnDemandStreamPerPathAndStartItsSourceOnce() {
        List<Stream> announced = new ArrayList<>();
        registry.addListener(announced::add);
        assertNull(registry.findOrDemand(path), "no source: nothing");
        registry.addOnDemandSource(source);
        assertNull(registry.findOrDemand(StreamPath.parse("tv/x")), "not supplied: nothing");

        Stream stream = registry.findOrDemand(path);
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        assertSame(stream, registry.findOrDemand(path));
        assertSame(stream, registry.demand(path, source));
        assertEquals(List.of(stream), started, "started once");
        assertEquals(List.of(stream), announced, "listeners hear of it as of any new stream");

        clock.advance(EngineConfig.DEFAULTS.onDemandPublishTimeout().minus(Duration.ofMillis(1)));
        registry.pollTimers();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        clock.advance(Duration.ofMillis(1));
        registry.pollTimers();
        assertEquals(StreamState.CLOSED, stream.state(), "OnDemandPublishTimeout without a publisher");
        assertNotSame(stream, registry.findOrDemand(path), "a later viewer demands it anew");
        assertEquals(2, started.size());
    }

    /**
     * Two viewers at once (HTTP-FLV and HLS): the one that did not create the stream must not get it before the
     * listeners heard of it, or HLS finds no segmenter and answers 404.
     */
    @Test
    void shouldNotHandAJustCreatedStreamToASecondViewerBeforeItsListenersHeardOfIt() throws Exception {
        CountDownLatch listenerEntered = new CountDownLatch(1);
        CountDownLatch listenerMayFinish = new CountDownLatch(1);
        List<Stream> announced = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.addListener(stream -> {
            listenerEntered.countDown();
            try {
                listenerMayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            announced.add(stream);
        });
        registry.addOnDemandSource(source);
        CompletableFuture<Stream> first = CompletableFuture.supplyAsync(() -> registry.findOrDemand(path));
        assertTrue(listenerEntered.await(5, TimeUnit.SECONDS));
        CompletableFuture<Stream> second = CompletableFuture.supplyAsync(() -> registry.findOrDemand(path));
        assertThrows(TimeoutException.class, () -> second.get(200, TimeUnit.MILLISECONDS),
                "the second viewer waits for the creator's listeners");
        listenerMayFinish.countDown();
        Stream stream = second.get(5, TimeUnit.SECONDS);
        assertSame(first.get(5, TimeUnit.SECONDS), stream);
        assertEquals(List.of(stream), announced, "announced before the second viewer got it");
    }
}
