package io.ringcast.web.auth;

import io.ringcast.broadcast.auth.PlayTokens;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Signed, expiring play URLs on every viewer protocol: valid ones play, missing, forged and expired get 403. */
@Timeout(120)
class SignedPlayUrlsTest {
    private static final String SECRET = "play-secret-0123456789abcdef0123456789";
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;

    @BeforeEach
    void start() throws Exception {
        Ffmpeg.assumeInstalled();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [auth]
                play_secret = "%s"
                """.formatted(SECRET)).configFile(), OptionalInt.empty()));
        cleanup.add(Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.pluginPort("rtmp")
                + "/live/x", "640x360", 30, 120), "publisher"));
        Await.until("the stream", Duration.ofSeconds(20),
                () -> server.engine().streams().find(StreamPath.parse("live/x")) != null);
    }

    private String query(long expires, String secret) {
        PlayTokens tokens = new PlayTokens(secret, java.time.Clock.systemUTC());
        return "expires=" + expires + "&token=" + tokens.sign(StreamPath.parse("live/x"), expires);
    }

    private int status(String pathAndQuery) throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", pathAndQuery);
        int code = c.getResponseCode();
        c.disconnect();
        return code;
    }

    @Test
    void shouldGuardHttpFlvWithTheToken() throws Exception {
        long later = Instant.now().getEpochSecond() + 600;
        assertEquals(403, status("/live/x.flv"), "missing token");
        assertEquals(403, status("/live/x.flv?" + query(later, SECRET.replace('p', 'q'))), "forged token");
        assertEquals(403, status("/live/x.flv?" + query(Instant.now().getEpochSecond() - 1, SECRET)), "expired");
        assertEquals(403, status("/live/x.flv?expires=" + later + "&token=" + new PlayTokens(SECRET,
                java.time.Clock.systemUTC()).sign(StreamPath.parse("live/other"), later)), "another stream's token");
        HttpURLConnection forever = Http.open(server.httpPort(), "GET", "/live/x.flv?" + query(Long.MAX_VALUE, SECRET));
        assertEquals(403, forever.getResponseCode(), "a correctly signed token that never expires");
        assertTrue(new String(forever.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("maximum lifetime"));
        HttpURLConnection refused = Http.open(server.httpPort(), "GET", "/live/x.flv");
        assertEquals(403, refused.getResponseCode());
        assertTrue(new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("play refused: missing"));

        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/live/x.flv?"
                + query(later, SECRET), 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
    }

    @Test
    void shouldGuardHlsPlaylistAndSegmentsWithTheSameToken() throws Exception {
        String signed = query(Instant.now().getEpochSecond() + 600, SECRET);
        Await.until("a playlist", Duration.ofSeconds(30), () -> {
            try {
                return status("/live/x.m3u8?" + signed) == 200;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(403, status("/live/x.m3u8"));
        String playlist = Http.body(Http.open(server.httpPort(), "GET", "/live/x.m3u8?" + signed));
        String segment = playlist.lines().filter(l -> !l.startsWith("#") && !l.isEmpty()).findFirst().orElseThrow();
        assertTrue(segment.endsWith("?" + signed), "segment URIs carry the token: " + segment);
        String segmentPath = "/live/" + segment.substring(0, segment.indexOf('?'));
        assertEquals(200, status(segmentPath + "?" + signed));
        assertEquals(403, status(segmentPath), "a segment without the token");
        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/live/x.m3u8?" + signed, 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
    }

    @Test
    void shouldGuardRtmpPlayWithTheTokenInTheStreamName() throws Exception {
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/x";
        Ffmpeg.Probe signed = Ffmpeg.probe(rtmp + "?" + query(Instant.now().getEpochSecond() + 600, SECRET), 30);
        assertEquals("h264", signed.get("video", "codec_name"), signed.output());
        Ffmpeg.Probe unsigned = Ffmpeg.probe(rtmp, 30);
        assertNotEquals(0, unsigned.exitCode(), "refused without a token: " + unsigned.output());
        assertNull(unsigned.get("video", "codec_name"));
    }
}
