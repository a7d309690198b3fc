package io.ringcast.ingest.relay;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The on-demand lifecycle with a real registry on a manual clock: attempts run on real threads (the fake upstream
 * blocks like a live connection), the stream's timers are stepped by the test.
 */
@Timeout(20)
class OnDemandPullTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    private static final WakeTarget VIEWER_A = () -> { };
    private static final WakeTarget VIEWER_B = () -> { };
    private static final Duration AUTO_CLOSE_DELAY = Duration.ofSeconds(10);
    private static final Duration ON_DEMAND_PUBLISH_TIMEOUT = Duration.ofSeconds(20);
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "relay-test-attempt");
        t.setDaemon(true);
        return t;
    });
    private final RelayTestKit kit = new RelayTestKit(pool, new EngineConfig(true, true, Duration.ofSeconds(60),
            AUTO_CLOSE_DELAY, false, ON_DEMAND_PUBLISH_TIMEOUT));
    private RelayManager manager;

    @BeforeEach
    void setUp() {
        RelayConfig config = RelayConfig.read(ConfigFile.parse("""
                [[pull]]
                match = "live/*"
                from = ["rtmp://10.0.0.1/live/{name}"]
                """, "test.toml"));
        manager = new RelayManager(config, kit.context(), new LoopGuard(() -> new InetSocketAddress(1935)));
        kit.registry.addOnDemandSource(manager);
        kit.pulls.feeding(kit.registry, PATH);
    }

    @AfterEach
    void tearDown() {
        manager.close();
        pool.shutdownNow();
    }

    private Stream viewerArrives(WakeTarget viewer) {
        Stream stream = kit.registry.findOrDemand(PATH);
        assertNotNull(stream, "a rule supplies " + PATH);
        assertTrue(stream.addSubscriber("http-flv", viewer));
        return stream;
    }

    private void step(Duration duration) {
        kit.advance(duration);
        kit.registry.pollTimers();
    }

    private Stream liveWithOneViewer() {
        kit.pulls.always("10.0.0.1", FakePulls.liveUntilClosed());
        Stream stream = viewerArrives(VIEWER_A);
        Await.until("the pull delivers", Duration.ofSeconds(5), () -> stream.state() == StreamState.PUBLISHING,
                stream::toString);
        return stream;
    }

    @Test
    void shouldPullNothingWithoutAViewerAndStartAtTheFirstOne() {
        kit.pulls.always("10.0.0.1", FakePulls.liveUntilClosed());
        step(Duration.ofMinutes(1));
        assertEquals(List.of(), kit.pulls.attempts(), "no viewer: no upstream connection");
        assertNull(kit.registry.find(PATH));
        assertNull(kit.registry.findOrDemand(StreamPath.parse("other/x")), "no rule: no stream");

        Stream stream = viewerArrives(VIEWER_A);
        Await.until("the first viewer starts the pull", Duration.ofSeconds(5),
                () -> stream.state() == StreamState.PUBLISHING, stream::toString);
        assertSame(stream, viewerArrives(VIEWER_B), "the second viewer joins the same stream");
        assertEquals(1, kit.pulls.attempts().size(), "one upstream connection for both viewers");
        // The stream publishes inside the attempt's live(); the relay shows LIVE once that returns.
        Await.until("the relay shows live", Duration.ofSeconds(5),
                () -> manager.relaysOf(PATH).get(0).state() == RelayState.LIVE, () -> manager.relays().toString());
        assertEquals("on-demand", manager.relaysOf(PATH).get(0).origin());
        assertEquals("pull", stream.publisher().info().protocol());
        assertEquals("rtmp://10.0.0.1/live/x", stream.publisher().info().remoteAddress());
    }

    @Test
    void shouldStopThePullAutoCloseDelayAfterTheLastViewerLeft() {
        Stream stream = liveWithOneViewer();
        viewerArrives(VIEWER_B);
        stream.removeSubscriber("http-flv", VIEWER_A);
        stream.removeSubscriber("http-flv", VIEWER_B);
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        FakePulls.Fake upstream = kit.pulls.made().get(0);

        step(AUTO_CLOSE_DELAY.minusMillis(1));
        assertEquals(StreamState.WAITING_CLOSE, stream.state());
        assertFalse(upstream.isClosed(), "1 ms before AutoCloseDelay: still pulling");

        step(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state());
        assertTrue(upstream.isClosed(), "the upstream connection is closed with the stream");
        assertEquals(List.of(), manager.relays());
        assertNull(kit.registry.find(PATH));
        assertEquals(1, kit.pulls.attempts().size(), "no attempt after the close");
    }

    @Test
    void shouldRememberAPullThatGaveUpAsFailedWithItsLastReason() {
        kit.pulls.always("10.0.0.1", FakePulls.refuse("connection refused"));
        Stream stream = viewerArrives(VIEWER_A);
        Await.until("the attempt fails", Duration.ofSeconds(5),
                () -> manager.relaysOf(PATH).get(0).state() == RelayState.BACKING_OFF, () -> manager.relays()
                        .toString());
        step(ON_DEMAND_PUBLISH_TIMEOUT);
        assertEquals(StreamState.CLOSED, stream.state());

        assertEquals(List.of(), manager.relays());
        RelayView last = manager.ended().get(0);
        assertEquals(RelayState.FAILED, last.state());
        assertEquals("connection refused", last.failure());
    }

    @Test
    void shouldCancelTheCloseWhenAViewerArrivesDuringWaitingClose() {
        Stream stream = liveWithOneViewer();
        stream.removeSubscriber("http-flv", VIEWER_A);
        step(AUTO_CLOSE_DELAY.minusSeconds(1));
        assertSame(stream, viewerArrives(VIEWER_B), "the waiting stream is found, not demanded again");
        assertEquals(StreamState.PUBLISHING, stream.state());

        step(ON_DEMAND_PUBLISH_TIMEOUT.multipliedBy(2));
        assertEquals(StreamState.PUBLISHING, stream.state());
        assertFalse(kit.pulls.made().get(0).isClosed(), "the pull goes on");
        assertEquals(1, kit.pulls.attempts().size());
        assertEquals(RelayState.LIVE, manager.relaysOf(PATH).get(0).state());
    }

    @Test
    void shouldCloseTheStreamAndStopThePullWhenNothingIsDeliveredWithinOnDemandPublishTimeout() {
        kit.pulls.always("10.0.0.1", FakePulls.silentUntilClosed());
        Stream stream = viewerArrives(VIEWER_A);
        Await.until("the attempt connects", Duration.ofSeconds(5), () -> kit.pulls.attempts().size() == 1);
        assertEquals(RelayState.CONNECTING, manager.relaysOf(PATH).get(0).state());

        step(ON_DEMAND_PUBLISH_TIMEOUT.minusMillis(1));
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state());
        step(Duration.ofMillis(1));
        assertEquals(StreamState.CLOSED, stream.state(), "the waiting viewer gets its clean 'not found'");
        assertTrue(kit.pulls.made().get(0).isClosed(), "the attempt is ended");
        assertEquals(List.of(), manager.relays());
        assertTrue(kit.log.lines().contains("INFO pull live/x stopped: its stream closed"), kit.log.lines()
                .toString());
        RelayView last = manager.ended().get(0);
        assertEquals("pull:live/x", last.key(), "remembered among the ended relays");
        assertEquals(RelayState.STOPPED, last.state(), "it never failed: it was still connecting");
    }

    @Test
    void shouldRefuseOnDemandPullsBeyondMaxPulls() {
        RelayConfig one = RelayConfig.read(ConfigFile.parse("""
                [relay]
                max_pulls = 1
                [[pull]]
                match = "live/*"
                from = ["rtmp://10.0.0.1/live/{name}"]
                """, "test.toml"));
        RelayManager limited = new RelayManager(one, kit.context(), new LoopGuard(() -> null));
        kit.pulls.always("10.0.0.1", FakePulls.liveUntilClosed());
        assertTrue(limited.supplies(PATH));
        limited.start(kit.registry.demand(StreamPath.parse("live/first"), new io.ringcast.broadcast.stream
                .OnDemandSource() {
            @Override
            public boolean supplies(StreamPath path) {
                return true;
            }

            @Override
            public void start(Stream stream) {
            }
        }));
        assertFalse(limited.supplies(PATH), "max_pulls reached: a viewer of another path finds nothing");
        assertEquals(1, kit.log.lines().stream().filter(l -> l.contains("max_pulls")).count());
        limited.close();
    }
}
