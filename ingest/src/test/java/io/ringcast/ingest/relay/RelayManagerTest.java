package io.ringcast.ingest.relay;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class RelayManagerTest {
    private static final String CONFIG = """
            [relay]
            allow_hosts = ["10.0.0.*", "origin.example", "127.0.0.1:1935"]
            max_pulls = 2
            max_pushes = 1

            [[push]]
            match = "live/*"
            to = ["rtmp://10.0.0.9/relay/{name}"]

            [[push]]
            match = "loop/*"
            to = ["rtmp://127.0.0.1:1935/loop/{name}"]

            [origins]
            a = "rtmp://127.0.0.2:1935"
            b = { url = "rtmp://127.0.0.3", ports = [1935, 1936] }
            """;
    private static final InetSocketAddress OUR_RTMP = new InetSocketAddress("127.0.0.1", 1935);
    private final RelayTestKit kit = new RelayTestKit();
    private final FakePushes pushes = new FakePushes();
    private RelayManager manager;

    private RelayManager manager(String toml) {
        RelayConfig config = RelayConfig.read(ConfigFile.parse(toml, "test.toml"));
        kit.pushes = pushes;
        manager = new RelayManager(config, kit.context(), new LoopGuard(() -> OUR_RTMP));
        kit.registry.addListener(manager);
        return manager;
    }

    @AfterEach
    void tearDown() {
        if (manager != null) {
            manager.close();
        }
        kit.fanout.close();
    }

    private static int status(Runnable call) {
        RelayRefusedException e = assertThrows(RelayRefusedException.class, call::run);
        return e.status();
    }

    private static String refusal(Runnable call) {
        RelayRefusedException e = assertThrows(RelayRefusedException.class, call::run);
        return e.status() + " " + e.getMessage();
    }

    @Test
    void shouldRefuseApiUrlsWhoseHostIsNotAllowed() {
        Relays relays = manager(CONFIG);
        assertEquals("403 host evil.example:1935 is not in [relay] allow_hosts [10.0.0.*, origin.example, "
                + "127.0.0.1:1935]", refusal(() -> relays.startPull("live", "x", "rtmp://evil.example/live/x")));
        assertEquals(403, status(() -> relays.startPull("live", "x", "rtmp://127.0.0.1:1936/live/y")),
                "the port is part of the pattern");
        assertEquals(403, status(() -> relays.startPush("live", "x", "rtmp://10.0.1.1/live/x")));
        assertEquals(RelayState.CONNECTING, relays.startPull("live", "a", "rtmp://10.0.0.7/live/a").state());
        assertEquals("api", relays.startPull("live", "b", "http://origin.example:8080/live/b.flv").origin());

        Relays none = manager("[relay]\n");
        assertEquals("403 host 10.0.0.1:1935 is not in [relay] allow_hosts (empty: none allowed)",
                refusal(() -> none.startPull("live", "x", "rtmp://10.0.0.1/live/x")));
    }

    @Test
    void shouldRefuseMalformedUrlsAndNamesWith400() {
        Relays relays = manager(CONFIG);
        assertEquals("400 bad URL: unsupported URL scheme 'ftp': expected rtmp:// or http://",
                refusal(() -> relays.startPull("live", "x", "ftp://10.0.0.1/live/x")));
        assertEquals(400, status(() -> relays.startPull("live", "x", "rtmp://10.0.0.1/onlyapp")));
        assertEquals(400, status(() -> relays.startPull("live", "../x", "rtmp://10.0.0.1/live/x")));
        assertEquals(400, status(() -> relays.startPush("live", "", "rtmp://10.0.0.1/live/x")));
        kit.registry.publish(StreamPath.parse("live/x"), new PublisherInfo("rtmp", "x", 0), false);
        assertEquals("400 a push target must be an rtmp:// URL: http://10.0.0.1/live/x.flv",
                refusal(() -> relays.startPush("live", "x", "http://10.0.0.1/live/x.flv")));
    }

    @Test
    void shouldRefusePullsBeyondMaxPullsWith503UntilOneStops() {
        Relays relays = manager(CONFIG);
        relays.startPull("live", "a", "rtmp://10.0.0.1/live/a");
        relays.startPull("live", "b", "rtmp://10.0.0.1/live/b");
        assertEquals("503 the server runs its maximum of 2 pulls ([relay] max_pulls)",
                refusal(() -> relays.startPull("live", "c", "rtmp://10.0.0.1/live/c")));
        assertEquals(503, status(() -> relays.pullFromOrigin("a", -1, "myapp", "test")), "the proxy form too");

        assertTrue(relays.stopPull("live", "a"));
        assertFalse(relays.stopPull("live", "a"), "already stopped");
        assertEquals("live/c", relays.startPull("live", "c", "rtmp://10.0.0.1/live/c").path().toString());
        assertEquals(409, status(() -> relays.startPull("live", "c", "rtmp://10.0.0.2/live/c")), "already pulled");
    }

    @Test
    void shouldRefusePushesBeyondMaxPushesWith503() {
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("other/a"), new PublisherInfo("rtmp", "x", 0), false);
        kit.registry.publish(StreamPath.parse("other/b"), new PublisherInfo("rtmp", "x", 0), false);
        relays.startPush("other", "a", "rtmp://10.0.0.5/live/a");
        assertEquals("503 the server runs its maximum of 1 pushes ([relay] max_pushes)",
                refusal(() -> relays.startPush("other", "b", "rtmp://10.0.0.5/live/b")));
        assertEquals(404, status(() -> relays.startPush("other", "none", "rtmp://10.0.0.5/live/b")),
                "no such local stream");
    }

    @Test
    void shouldRefuseALoopBackToThisServersOwnStreamWith409() {
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("live/x"), new PublisherInfo("rtmp", "x", 0), false);
        assertEquals("409 would loop back to this server's stream live/x",
                refusal(() -> relays.startPush("live", "x", "rtmp://127.0.0.1:1935/live/x")));
        assertEquals(409, status(() -> relays.startPush("live", "x", "rtmp://localhost:1935/live/x?key=1")));
        assertEquals(409, status(() -> relays.startPull("live", "y", "rtmp://127.0.0.1/live/y")),
                "a pull of our own stream onto itself");
        assertEquals(403, status(() -> relays.startPush("live", "x", "rtmp://127.0.0.1:1936/live/x")),
                "another port is another server (and not allowed here)");
    }

    @Test
    void shouldRefuseAPushedStreamComingBackUnderTheSameName() {
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("other/x"), new PublisherInfo("rtmp", "x", 0), false);
        relays.startPush("other", "x", "rtmp://10.0.0.5/other/x");
        assertEquals("409 other/x is already published on this server",
                refusal(() -> relays.startPull("other", "x", "rtmp://10.0.0.5/other/x")));
        assertEquals(409, status(() -> relays.startPush("other", "x", "rtmp://10.0.0.6/other/x")),
                "one API push per stream");
    }

    @Test
    void shouldAnswerTheProxyFormOnlyForKnownOriginsAndPorts() {
        Relays relays = manager(CONFIG);
        assertEquals("403 unknown origin 'c'", refusal(() -> relays.pullFromOrigin("c", -1, "myapp", "test")));
        assertEquals("403 origin a may not be asked for port 1936 (allowed: [1935])",
                refusal(() -> relays.pullFromOrigin("a", 1936, "myapp", "test")));
        assertEquals(400, status(() -> relays.pullFromOrigin("a", -1, "my app", "test")));

        Stream first = relays.pullFromOrigin("b", 1936, "myapp", "test");
        Stream second = relays.pullFromOrigin("b", 1936, "myapp", "test");
        assertSame(first, second, "viewers of one stream share one pull");
        assertEquals("b.1936.myapp/test", first.path().toString());
        kit.tasks.runUntilIdle();
        List<RelayView> views = relays.relaysOf(first.path());
        assertEquals(1, views.size());
        assertEquals("rtmp://127.0.0.3:1936/myapp/test", views.get(0).currentUrl());
        assertEquals("proxy", views.get(0).origin());
        assertEquals(List.of("127.0.0.3"), kit.pulls.hostsTried(), "one upstream attempt so far");

        Stream other = relays.pullFromOrigin("a", -1, "myapp", "test");
        assertNotSame(first, other, "the same name on another origin is another stream");
        assertEquals("a.1935.myapp/test", other.path().toString());
    }

    @Test
    void shouldPushStreamsMatchingAPushRuleAndReconnectWithBackoffWhenTheTargetDrops() {
        kit.fanout.start();
        Relays relays = manager(CONFIG);
        StreamPublisher publisher = kit.registry.publish(StreamPath.parse("live/x"),
                new PublisherInfo("rtmp", "encoder", 0), false);
        assertNotNull(publisher);
        kit.tasks.runUntilIdle();
        assertEquals(1, pushes.made().size());
        FakePushes.Fake first = pushes.made().get(0);
        assertEquals("rtmp://10.0.0.9/relay/x", first.url.masked());
        Stream stream = kit.registry.find(StreamPath.parse("live/x"));
        Await.until("the push subscribes like a viewer", Duration.ofSeconds(5),
                () -> stream.subscribersByProtocol().getOrDefault("push", 0) == 1);
        RelayView live = relays.relaysOf(stream.path()).get(0);
        assertEquals(RelayState.LIVE, live.state());
        assertEquals("push:live/x->rtmp://10.0.0.9/relay/x", live.key());
        assertEquals("config", live.origin());

        first.drop("target reset the connection");
        RelayView dropped = relays.relaysOf(stream.path()).get(0);
        assertEquals(RelayState.BACKING_OFF, dropped.state());
        assertEquals("target reset the connection", dropped.failure());
        assertEquals(kit.wall.millis() + 500, dropped.retryAtEpochMs());
        kit.advance(Duration.ofMillis(499));
        kit.tasks.runUntilIdle();
        assertEquals(1, pushes.made().size(), "nothing before retryAt");
        kit.advance(Duration.ofMillis(1));
        kit.tasks.runUntilIdle();
        assertEquals(2, pushes.made().size(), "reconnected");
        assertEquals(RelayState.LIVE, relays.relaysOf(stream.path()).get(0).state());
        assertEquals(1, relays.relaysOf(stream.path()).get(0).reconnects());
        Await.until("the old subscription ended and a new one runs", Duration.ofSeconds(5),
                () -> stream.subscribersByProtocol().getOrDefault("push", 0) == 1);

        stream.close();
        Await.until("the stream closed: the push ends and is forgotten", Duration.ofSeconds(5),
                () -> pushes.made().get(1).isClosed() && relays.relays().isEmpty(), () -> relays.relays().toString());
        kit.advance(Duration.ofMinutes(1));
        kit.tasks.runUntilIdle();
        assertEquals(2, pushes.made().size(), "no reconnect after the stream closed");
    }

    @Test
    void shouldRetryARefusedPushTargetWithGrowingWaits() {
        kit.jitter = 0.999_999;
        pushes.script("refused", "refused");
        kit.fanout.start();
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("live/y"), new PublisherInfo("rtmp", "encoder", 0), false);
        kit.tasks.runUntilIdle();
        RelayView first = relays.relays().get(0);
        assertEquals(RelayState.BACKING_OFF, first.state());
        assertEquals(500, first.retryAtEpochMs() - kit.wall.millis());
        kit.advance(Duration.ofMillis(500));
        kit.tasks.runUntilIdle();
        assertEquals(1_000, relays.relays().get(0).retryAtEpochMs() - kit.wall.millis());
        kit.advance(Duration.ofSeconds(1));
        kit.tasks.runUntilIdle();
        assertEquals(RelayState.LIVE, relays.relays().get(0).state());
        assertEquals(3, pushes.made().size());
    }

    @Test
    void shouldNotStartAConfiguredPushThatWouldLoopBack() {
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("loop/x"), new PublisherInfo("rtmp", "encoder", 0), false);
        kit.tasks.runUntilIdle();
        assertEquals(List.of(), relays.relays());
        assertEquals(0, pushes.made().size());
        assertTrue(kit.log.lines().contains("WARN push loop/x to rtmp://127.0.0.1:1935/loop/x refused: would loop "
                + "back to this server's stream loop/x"), kit.log.lines().toString());
    }

    @Test
    void shouldListPullsFirstThenPushes() {
        Relays relays = manager(CONFIG);
        kit.registry.publish(StreamPath.parse("other/x"), new PublisherInfo("rtmp", "x", 0), false);
        relays.startPush("other", "x", "rtmp://10.0.0.5/other/x");
        relays.startPull("live", "a", "rtmp://10.0.0.1/live/a");
        assertEquals(List.of("pull:live/a", "push:other/x"), relays.relays().stream().map(RelayView::key).toList());
        Stream stream = kit.registry.find(StreamPath.parse("other/x"));
        assertEquals(1, stream.closeListenerCount(), "the push ends with its stream");
        assertTrue(relays.stopPush("other", "x"));
        assertFalse(relays.stopPush("other", "x"));
        assertEquals(0, stream.closeListenerCount(), "a stopped push leaves nothing on its stream");
        assertEquals(List.of("pull:live/a"), relays.relays().stream().map(RelayView::key).toList());
    }
}
