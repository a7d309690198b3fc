package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.SourceUnavailableException;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.relay.RelayPlugin;
import io.ringcast.ingest.relay.RelayState;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cluster's on-demand source against an in-memory directory: what it supplies (another live node's stream,
 * never this node's, nothing while relays are off), the directory being down refusing at once, the upstream it
 * names at each attempt (HTTP-FLV or RTMP, marked as a cluster pull), and its pull running through the relay
 * manager with origin "cluster".
 */
@Timeout(20)
class ClusterPullsTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    private static final NodeInfo EDGE = InMemoryDirectory.node("e1", ClusterRole.EDGE, "10.77.0.21", 8080, 1935);
    private static final NodeInfo ORIGIN_1 = InMemoryDirectory.node("o1", ClusterRole.ORIGIN, "10.77.0.11", 8080,
            1935);
    private static final NodeInfo ORIGIN_2 = InMemoryDirectory.node("o2", ClusterRole.ORIGIN, "10.77.0.12", 8081,
            1936);
    private final Engine engine = new Engine(EngineConfig.DEFAULTS, new RingConfig(64, 64, 1 << 16, 1 << 16, false,
            1_000, 5_000), new LimitsConfig(10, 100, 64L << 20, 60_000), NanoClock.SYSTEM, 1).start();
    private final InMemoryDirectory directory = new InMemoryDirectory(EDGE).live(ORIGIN_1).live(ORIGIN_2);
    private RelayPlugin relays;

    @AfterEach
    void tearDown() {
        if (relays != null) {
            relays.stop();
        }
        engine.close();
    }

    private static ClusterConfig config(String pullOver) {
        return new ClusterConfig("e1", ClusterRole.EDGE, EDGE.httpUrl(), EDGE.rtmpUrl(), "redis://10.77.0.2:6379",
                10_000, 3_000, 500, pullOver, "ringcast:");
    }

    private ClusterPulls withRelays(String pullOver) {
        relays = new RelayPlugin();
        relays.configure(ConfigFile.parse("", "test.toml"));
        relays.start(engine);
        return new ClusterPulls(directory, config(pullOver), engine);
    }

    @Test
    void shouldSupplyAStreamAnotherLiveNodeHoldsAndNothingElse() {
        ClusterPulls pulls = withRelays("http-flv");
        assertFalse(pulls.supplies(PATH), "not in the directory");
        directory.put("live/x", "o1");
        assertTrue(pulls.supplies(PATH), "held by live node o1");
        directory.dead("o1");
        assertFalse(pulls.supplies(PATH), "held by a node whose heartbeat expired");
        directory.put("live/x", "e1");
        assertFalse(pulls.supplies(PATH), "held by this node: never pulled from itself");
        directory.live(new NodeInfo("old-name", ClusterRole.BOTH, EDGE.httpUrl(), EDGE.rtmpUrl(), 0))
                .put("live/x", "old-name");
        assertFalse(pulls.supplies(PATH), "a node advertising this node's own address is this node");
    }

    @Test
    void shouldRefuseAtOnceWithTheReasonWhileTheDirectoryIsDown() {
        ClusterPulls pulls = withRelays("http-flv");
        engine.streams().addOnDemandSource(pulls);
        directory.put("live/x", "o1").down("stream directory unavailable: Redis at 10.77.0.2:6379 refused");
        DirectoryUnavailableException direct = assertThrows(DirectoryUnavailableException.class,
                () -> pulls.supplies(PATH));
        assertEquals("stream directory unavailable: Redis at 10.77.0.2:6379 refused", direct.getMessage());
        SourceUnavailableException viaRegistry = assertThrows(SourceUnavailableException.class,
                () -> engine.streams().findOrDemand(PATH));
        assertEquals(direct.getMessage(), viaRegistry.getMessage(), "the viewer paths get the reason");
        assertNull(engine.streams().find(PATH), "no stream was created");
        assertEquals(List.of(), engine.service(Relays.class).relays(), "no pull was started");
    }

    @Test
    void shouldSupplyNothingAndAskNoDirectoryWhileRelaysAreOff() {
        ClusterPulls pulls = new ClusterPulls(directory.put("live/x", "o1"), config("http-flv"), engine);
        assertFalse(pulls.supplies(PATH));
        assertFalse(pulls.supplies(PATH));
        assertEquals(0, directory.lookups(), "no lookup without relays");
        Stream stream = engine.streams().demand(PATH, pulls);
        assertTrue(stream.isClosed(), "a stream demanded anyway closes with the reason");
        assertEquals("live/x could not be pulled: relays are off ([relay] enable = false)", stream.closeReason());
    }

    @Test
    void shouldLeaveAPathAPullRuleSuppliesToTheRuleWithoutALookup() {
        relays = new RelayPlugin();
        relays.configure(ConfigFile.parse("""
                [[pull]]
                match = "cam/*"
                from = ["rtmp://10.0.0.9/cam/{name}"]
                """, "test.toml"));
        relays.start(engine);
        ClusterPulls pulls = new ClusterPulls(directory.put("cam/a", "o1").down("Redis down"), config("http-flv"),
                engine);
        assertFalse(pulls.supplies(StreamPath.parse("cam/a")), "the rule supplies it");
        assertEquals(0, directory.lookups(), "no lookup");
        assertThrows(DirectoryUnavailableException.class, () -> pulls.supplies(PATH), "other paths ask");
    }

    @Test
    void shouldNameTheHoldersHttpFlvOrRtmpUrlMarkedAsThisNodesPullAtEveryLookup() {
        directory.put("live/x", "o1");
        ClusterPulls overHttp = new ClusterPulls(directory, config("http-flv"), engine);
        assertEquals(List.of(UpstreamUrl.parse("http://10.77.0.11:8080/live/x.flv?ringcast_node=e1")),
                overHttp.resolverFor(PATH).upstreamsNow());
        ClusterPulls overRtmp = new ClusterPulls(directory, config("rtmp"), engine);
        UpstreamUrl rtmp = overRtmp.resolverFor(PATH).upstreamsNow().get(0);
        assertEquals("rtmp://10.77.0.11:1935/live/x?ringcast_node=e1", rtmp.raw());
        assertEquals("x?ringcast_node=e1", rtmp.rtmpStreamName(), "the mark travels in the play's stream name");

        directory.put("live/x", "o2");
        assertEquals("http://10.77.0.12:8081/live/x.flv?ringcast_node=e1",
                overHttp.resolverFor(PATH).upstreamsNow().get(0).raw(), "moved: found on o2");
        directory.remove("live/x");
        assertEquals(List.of(), overHttp.resolverFor(PATH).upstreamsNow(), "gone: nothing to pull");
        directory.put("live/x", "e1");
        assertEquals(List.of(), overHttp.resolverFor(PATH).upstreamsNow(), "never this node");
        directory.down("Redis down");
        assertThrows(DirectoryUnavailableException.class, () -> overHttp.resolverFor(PATH).upstreamsNow());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new ClusterPulls(directory, config("srt"), engine));
        assertEquals("[cluster] pull_over must be \"http-flv\" or \"rtmp\", not \"srt\"", bad.getMessage());
    }

    /** With signed play URLs on every node, a pull signs its URL at every attempt so the holder lets it play. */
    @Test
    void shouldSignEveryAttemptsUrlWhenPlayTokensAreOn() {
        directory.put("live/x", "o1");
        PlayTokens tokens = new PlayTokens("cluster-test-play-secret-0123456789abcdef", engine.wallClock());
        engine.registerService(PlayTokens.class, tokens);
        ClusterPulls overRtmp = new ClusterPulls(directory, config("rtmp"), engine);
        long before = engine.wallClock().millis() / 1_000;
        UpstreamUrl url = overRtmp.resolverFor(PATH).upstreamsNow().get(0);
        java.util.Map<String, String> query = new java.util.HashMap<>();
        String name = url.rtmpStreamName();
        assertTrue(name.startsWith("x?ringcast_node=e1&"), name);
        for (String pair : name.substring(name.indexOf('?') + 1).split("&")) {
            query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        long expires = Long.parseLong(query.get(PlayTokens.EXPIRES));
        assertTrue(expires >= before + ClusterPulls.SIGNED_PULL_LIFETIME_S
                && expires <= before + ClusterPulls.SIGNED_PULL_LIFETIME_S + 1, name);
        assertTrue(tokens.check(PATH, query.get(PlayTokens.EXPIRES), query.get(PlayTokens.TOKEN)).allowed(), name);
        assertFalse(url.masked().contains(query.get(PlayTokens.TOKEN)), "the token is masked in logs and the API: "
                + url.masked());
    }

    @Test
    void shouldPullThroughTheRelayManagerAsOriginClusterAndFollowTheDirectory() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort(); // nothing listens there once closed: every attempt is refused
        }
        directory.live(InMemoryDirectory.node("o3", ClusterRole.ORIGIN, "127.0.0.1", closedPort, closedPort))
                .put("live/x", "o3");
        ClusterPulls pulls = withRelays("http-flv");
        engine.streams().addOnDemandSource(pulls);

        Stream stream = engine.streams().findOrDemand(PATH);
        assertNotNull(stream);
        Relays view = engine.service(Relays.class);
        RelayView pull = view.relaysOf(PATH).get(0);
        assertEquals("cluster", pull.origin());
        Await.until("the attempt at o3 fails", Duration.ofSeconds(5),
                () -> view.relaysOf(PATH).get(0).failure().startsWith("connect to http://127.0.0.1:" + closedPort),
                () -> view.relays().toString());
        assertEquals("http://127.0.0.1:" + closedPort + "/live/x.flv?ringcast_node=e1",
                view.relaysOf(PATH).get(0).currentUrl());

        directory.remove("live/x");
        Await.until("the next attempt finds no holder", Duration.ofSeconds(5),
                () -> view.relaysOf(PATH).get(0).failure().equals("live/x is not in the directory"),
                () -> view.relays().toString());
        RelayView waiting = view.relaysOf(PATH).get(0);
        assertEquals(RelayState.BACKING_OFF, waiting.state());
        assertTrue(waiting.retryAtEpochMs() - engine.wallClock().millis() <= ClusterPulls.RETRY_MAX_MS,
                "asks again within 500 ms: " + waiting);
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "its viewers wait");
        stream.close();
        Await.until("the pull ends with its stream", Duration.ofSeconds(5), () -> view.relaysOf(PATH).isEmpty(),
                () -> view.relays().toString());
    }
}
