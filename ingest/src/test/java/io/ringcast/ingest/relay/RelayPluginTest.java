package io.ringcast.ingest.relay;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.plugin.PluginHost;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.time.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The relay plugin as the server runs it: found by ServiceLoader, configured from the file, started after RTMP. */
@Timeout(20)
class RelayPluginTest {
    private final Engine engine = new Engine(EngineConfig.DEFAULTS, RelayTestKit.RINGS,
            new LimitsConfig(10, 100, 64L << 20, 60_000), NanoClock.SYSTEM, 1).start();
    private PluginHost host;

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        engine.close();
    }

    @Test
    void shouldRegisterTheRelaysServiceTheOnDemandRulesAndStartTheAlwaysOnPulls() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort(); // nothing listens there once closed: every attempt is refused
        }
        host = PluginHost.discover(getClass().getClassLoader());
        assertTrue(host.plugins().stream().map(Plugin::name).toList().containsAll(List.of("rtmp", "relay")));
        ConfigFile file = ConfigFile.parse("""
                [rtmp]
                address = "127.0.0.1"
                port = 0
                [relay]
                allow_hosts = ["127.0.0.1"]
                backoff_min_ms = 50
                backoff_max_ms = 100
                [[pull]]
                match = "tv/news"
                from = ["rtmp://user:pw@127.0.0.1:%1$d/tv/news"]
                on_demand = false
                [[pull]]
                match = "live/*"
                from = ["http://127.0.0.1:%1$d/live/{name}.flv"]
                """.formatted(closedPort), "test.toml");
        host.configure(file);
        file.requireAllKeysUsed();
        host.start(engine);

        Relays relays = engine.service(Relays.class);
        assertNotNull(relays, "registered as an engine service");
        RelayView always = relays.relays().get(0);
        assertEquals("pull:tv/news", always.key());
        assertEquals("config", always.origin());
        assertEquals(List.of("rtmp://***@127.0.0.1:" + closedPort + "/tv/news"), always.urls());
        Await.until("the attempt fails with the client's reason", Duration.ofSeconds(5),
                () -> relays.relays().get(0).failure().startsWith("cannot connect to 127.0.0.1:" + closedPort),
                () -> relays.relays().toString());

        Stream demanded = engine.streams().findOrDemand(StreamPath.parse("live/cam"));
        assertNotNull(demanded, "the on-demand rule supplies live/*");
        assertEquals(StreamState.WAITING_PUBLISHER, demanded.state());
        assertEquals("on-demand", relays.relaysOf(demanded.path()).get(0).origin());

        int rtmpPort = host.started("rtmp").orElseThrow().boundAddresses().get(0).getPort();
        engine.streams().publish(StreamPath.parse("live/x"), new PublisherInfo("rtmp", "encoder", 0), false);
        RelayRefusedException loop = assertThrows(RelayRefusedException.class,
                () -> relays.startPush("live", "x", "rtmp://127.0.0.1:" + rtmpPort + "/live/x"));
        assertEquals(409, loop.status());
        assertEquals("would loop back to this server's stream live/x", loop.getMessage());

        host.close();
        host = null;
        assertNull(engine.service(Relays.class), "unregistered at stop");
        assertEquals(List.of(), relays.relays(), "every relay stopped");
        assertEquals(503, assertThrows(RelayRefusedException.class,
                () -> relays.startPull("live", "y", "rtmp://127.0.0.1/live/z")).status());
    }
}
