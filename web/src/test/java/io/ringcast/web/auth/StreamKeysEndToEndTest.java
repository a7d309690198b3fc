package io.ringcast.web.auth;

import io.ringcast.broadcast.auth.RoomKeys;
import io.ringcast.broadcast.auth.StreamKeys;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** Stream keys with real ffmpeg: the key publishes the room, a wrong key is refused, viewers use the room name. */
@Timeout(90)
class StreamKeysEndToEndTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;

    @BeforeEach
    void start() {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [auth]
                publish_keys = true
                keys_file = "%s"
                """.formatted(dir.resolve("keys.txt"))).configFile(), OptionalInt.empty()));
    }

    @Test
    void shouldRefuseAWrongKeyAndPublishTheRoomWithTheRightOne() throws Exception {
        Ffmpeg.assumeInstalled();
        RoomKeys keys = server.engine().service(RoomKeys.class);
        String key = keys.getOrCreate("hall");
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/";

        try (Ffmpeg.FfmpegProcess wrong = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + "hall", "320x240", 30, 3), "wrong")) {
            assertNotEquals(0, wrong.await(30), "publishing with the room name instead of its key is refused");
        }
        assertNull(server.engine().streams().find(StreamPath.parse("live/hall")));

        try (Ffmpeg.FfmpegProcess right = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + key, "320x240", 30, 30), "right")) {
            Await.until("the room's stream", Duration.ofSeconds(20),
                    () -> server.engine().streams().find(StreamPath.parse("live/hall")) != null);
            assertNull(server.engine().streams().find(new StreamPath("live", key)), "the key never names a stream");
            Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + server.httpPort() + "/live/hall.flv", 30);
            assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        }
    }

    @Test
    void shouldRefuseARoomsKeyUnderAnotherApp() throws Exception {
        Ffmpeg.assumeInstalled();
        RoomKeys keys = server.engine().service(RoomKeys.class);
        String key = keys.getOrCreate("room1");
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/";

        try (Ffmpeg.FfmpegProcess other = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + "other/" + key, "320x240", 30, 3),
                "other")) {
            assertNotEquals(0, other.await(30), "live/room1's key under app other is refused");
        }
        assertNull(server.engine().streams().find(StreamPath.parse("other/room1")));
        assertEquals(0, server.engine().streams().size(), "no stream at all was created");

        String studioKey = keys.getOrCreate("studio/room1");

        try (Ffmpeg.FfmpegProcess studio = Ffmpeg.start(Ffmpeg.publishArgs(rtmp + "studio/" + studioKey, "320x240",
                30, 30), "studio")) {
            Await.until("studio/room1", Duration.ofSeconds(20),
                    () -> server.engine().streams().find(StreamPath.parse("studio/room1")) != null);
            assertNull(server.engine().streams().find(StreamPath.parse("live/room1")));
        }
    }
}
