package io.ringcast.web.httpflv;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.testing.FakeRelays;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relays' proxy form, {@code GET /live?src=a&app=myapp&stream=test[&port=1935]}, against a fake {@link Relays}:
 * 400 naming the missing or invalid parameter, 403 for an unknown origin or a disallowed port (the relays' reason),
 * 503 without the relay plugin or at its limits, and a real published stream served as HTTP-FLV that ffprobe
 * decodes, while {@code /live/name.flv} stays plain HTTP-FLV. The location comes from {@code [relay] proxy_path}.
 */
@Timeout(90)
class ProxyPullTest {
    /** The fake Relays stands in for the relay plugin, which the server would otherwise start by default. */
    private static final String WITHOUT_THE_RELAY_PLUGIN = "[relay]\nenable = false\n";
    private LoopbackServer server;
    private final FakeRelays relays = new FakeRelays();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Answer(int status, String contentType, String body) {
    }

    private Answer get(String pathAndQuery) throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", pathAndQuery);
        int status = c.getResponseCode();
        return new Answer(status, c.getContentType(), status >= 400 ? Http.body(c).strip() : "");
    }

    @Test
    void shouldRefuseMissingOrInvalidParametersUnknownOriginsAndDisallowedPorts() throws Exception {
        server = LoopbackServer.start(WITHOUT_THE_RELAY_PLUGIN);
        assertEquals(new Answer(503, "text/plain;charset=utf-8",
                        "relays are not available: the relay plugin is disabled"),
                get("/live?src=a&app=myapp&stream=test"));
        server.engine().registerService(Relays.class, relays);
        relays.origin("a", path -> null);

        String usage = ": expected ?src=ORIGIN&app=APP&stream=NAME[&port=PORT]";
        assertEquals(new Answer(400, "text/plain;charset=utf-8", "missing parameter stream" + usage),
                get("/live?src=a&app=myapp"));
        assertEquals(new Answer(400, "text/plain;charset=utf-8", "missing parameters src, app, stream" + usage),
                get("/live"));
        assertEquals(400, get("/live?src=a&app=my%20app&stream=test").status());
        assertTrue(get("/live?src=a&app=myapp&stream=..").body().startsWith("invalid parameter stream"));
        for (String port : List.of("0", "65536", "x", "-1", "1935x")) {
            assertEquals(new Answer(400, "text/plain;charset=utf-8", "invalid parameter port: a number 1-65535"),
                    get("/live?src=a&app=myapp&stream=test&port=" + port), "port " + port);
        }
        assertEquals(List.of(), relays.proxyCalls, "bad requests never reach the relays");

        assertEquals(new Answer(403, "text/plain;charset=utf-8", "unknown origin 'z': not in [origins]"),
                get("/live?src=z&app=myapp&stream=test"));
        assertEquals(new Answer(403, "text/plain;charset=utf-8", "origin 'a' may not use port 8080"),
                get("/live?src=a&app=myapp&stream=test&port=8080"));
        assertEquals(new Answer(503, "text/plain;charset=utf-8", "max_pulls reached"),
                get("/live?src=a&app=myapp&stream=test&port=1935"));
        assertEquals(List.of("z -1 myapp test", "a 8080 myapp test", "a 1935 myapp test"), relays.proxyCalls);
    }

    @Test
    void shouldServeThePulledStreamAsHttpFlvThatFfprobeDecodes() throws Exception {
        Ffmpeg.assumeInstalled();
        server = LoopbackServer.start(WITHOUT_THE_RELAY_PLUGIN);
        server.engine().registerService(Relays.class, relays);
        // The fake's origin "a" hands out the stream ffmpeg publishes here, as a relay's pull would after pulling it.
        relays.origin("a", path -> server.engine().streams().find(StreamPath.parse("live/" + path.split("/")[1])));
        String rtmp = "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/test";
        try (Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "640x360", 25, 30), "proxy-pub")) {
            Await.until("ffmpeg publishes live/test", Duration.ofSeconds(20), () -> {
                var stream = server.engine().streams().find(StreamPath.parse("live/test"));
                return stream != null && stream.track(io.ringcast.broadcast.track.TrackKind.VIDEO)
                        .newestKeyframeSequence() >= 0;
            });
            String base = "http://127.0.0.1:" + server.httpPort();
            Ffmpeg.Probe proxied = Ffmpeg.probe(base + "/live?src=a&app=myapp&stream=test&port=1935", 30);
            assertEquals(0, proxied.exitCode(), proxied.output());
            assertEquals("h264", proxied.get("video", "codec_name"), proxied.output());
            assertEquals("640", proxied.get("video", "width"));
            assertEquals("360", proxied.get("video", "height"));
            assertEquals("aac", proxied.get("audio", "codec_name"), proxied.output());
            assertTrue(relays.proxyCalls.contains("a 1935 myapp test"), relays.proxyCalls.toString());

            Ffmpeg.Probe direct = Ffmpeg.probe(base + "/live/test.flv", 30);
            assertEquals(0, direct.exitCode(), "/live/name.flv is still HTTP-FLV's: " + direct.output());
            assertEquals("h264", direct.get("video", "codec_name"));
            assertTrue(server.engine().streams().find(StreamPath.parse("live/test")).latencyByProtocol()
                    .containsKey(HttpFlvServlet.PROTOCOL), "proxied viewers are HTTP-FLV viewers");
        }
    }

    @Test
    void shouldServeTheFormAtTheConfiguredPathAndRefuseClashingPaths() throws Exception {
        server = LoopbackServer.start("""
                [relay]
                enable = false
                proxy_path = "/edge/pull"
                """);
        server.engine().registerService(Relays.class, relays);
        assertEquals(403, get("/edge/pull?src=z&app=myapp&stream=test").status());
        assertEquals(404, get("/live?src=z&app=myapp&stream=test").status(), "/live is no longer the form");
        assertEquals(List.of("z -1 myapp test"), relays.proxyCalls);

        for (String bad : List.of("live", "/live/", "/x.flv", "/a/b.m3u8", "/a*", "/a b")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ProxyPullConfig.read(ConfigFile.parse(
                    "[relay]\nproxy_path = \"" + bad + "\"\n", "test.toml")), bad);
            assertTrue(e.getMessage().contains("[relay] proxy_path"), e.getMessage());
        }
        assertEquals("/live", ProxyPullConfig.read(ConfigFile.empty()).path());
        assertEquals(false, ProxyPullConfig.read(ConfigFile.parse("[relay]\nproxy_path = \"\"\n", "t")).enabled());
    }
}
