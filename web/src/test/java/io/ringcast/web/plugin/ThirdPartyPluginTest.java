package io.ringcast.web.plugin;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Plugins from outside the server's own modules: discovery, configuration from their section, and real media. */
@Timeout(120)
class ThirdPartyPluginTest {
    /** The Go engine's block as its documentation writes it, then plugin sections. */
    private static final String CONFIG = """
            [Engine]
            EnableAudio = true
            EnableVideo = true
            # default expiry of a published stream, seconds (wait for a publisher to return)
            PublishTimeout = 60
            # seconds to wait after auto-close triggers; a new subscriber in that time cancels the close
            AutoCloseDelay = 10
            # reorder out-of-order RTP packets (RTP-based ingest only)
            RTPReorder = false
            # seconds to wait for an on-demand publisher (pull) to deliver the stream
            OnDemandPublishTimeout = 20

            [hls]
            enable = true

            [republish]
            enable = true
            from = "live/src"
            to = "live/copy"
            """;

    private RingcastServer server;

    /** 1-based line of the first line containing {@code needle}. */
    private static int lineOf(String text, String needle) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle + " not in the config");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldDiscoverATestClasspathPluginThatRepublishesAStreamFfmpegCanDecode() throws Exception {
        Ffmpeg.assumeInstalled();
        server = RingcastServer.start(TestConfig.loopback().toml(CONFIG).configFile(), OptionalInt.empty());
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/src";
        try (Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "640x360", 30, 60), "src")) {
            StreamPath copyPath = StreamPath.parse("live/copy");
            Await.until("the republished stream", Duration.ofSeconds(20), () -> {
                Stream copy = server.engine().streams().find(copyPath);
                return copy != null && copy.track(io.ringcast.broadcast.track.TrackKind.VIDEO).framesPublished() > 30;
            });
            assertEquals("republish", server.engine().streams().find(copyPath).publisher().info().protocol());
            String url = "http://127.0.0.1:" + server.httpPort() + "/live/copy.flv";
            Ffmpeg.Probe probe = Ffmpeg.probe(url, 30);
            assertEquals("h264", probe.get("video", "codec_name"), probe.output());
            assertEquals("640", probe.get("video", "width"));
            assertEquals("aac", probe.get("audio", "codec_name"));
            try (Ffmpeg.FfmpegProcess player = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats",
                    "-v", "error", "-i", url, "-t", "5", "-f", "null", "-"), "copy-player")) {
                assertEquals(0, player.await(60), player.output());
                assertEquals("", player.output().strip(), "decoded without a single error line");
            }
            assertTrue(publisher.process().isAlive());
        }
    }

    @Test
    void shouldFailStartupNamingThePluginKeyAndLineOfABadValue() {
        String bad = CONFIG.replace("from = \"live/src\"", "from = \"live/../etc\"");
        ConfigException e = assertThrows(ConfigException.class,
                () -> server = RingcastServer.start(ConfigFile.parse(bad, "plugins.toml"), OptionalInt.empty()));
        assertTrue(e.getMessage().startsWith("plugins.toml:" + lineOf(bad, "from = ") + ": [republish] from "),
                e.getMessage());
    }

    @Test
    void shouldFailStartupNamingAnUnknownPluginKeyAndItsLine() {
        String bad = CONFIG.replace("to = \"live/copy\"", "to = \"live/copy\"\nrate = 3");
        ConfigException e = assertThrows(ConfigException.class,
                () -> server = RingcastServer.start(ConfigFile.parse(bad, "plugins.toml"), OptionalInt.empty()));
        assertEquals("plugins.toml:" + lineOf(bad, "rate = 3") + ": unknown key rate in [republish]", e.getMessage());
    }

    @Test
    void shouldFailStartupNamingAWrongTypeInAPluginSection() {
        String bad = CONFIG.replace("[hls]\nenable = true", "[hls]\nenable = \"yes\"");
        ConfigException e = assertThrows(ConfigException.class,
                () -> server = RingcastServer.start(ConfigFile.parse(bad, "plugins.toml"), OptionalInt.empty()));
        assertTrue(e.getMessage().startsWith("plugins.toml:" + lineOf(bad, "enable = \"yes\"")
                + ": [hls] enable must be a boolean"), e.getMessage());
    }
}
