package io.ringcast.web.e2e;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole server with real peers on loopback: ffmpeg publishes H.264 + AAC over RTMP (testsrc2 + sine, 30 fps,
 * 2 s GOP) and ffprobe/ffmpeg or a raw FLV reader play HTTP-FLV.
 */
@Timeout(120)
class FfmpegEndToEndTest {
    private static final int TAG_VIDEO = 9;
    private static final int TAG_AUDIO = 8;
    private static final int TAG_SCRIPT = 18;
    private static final int FPS = 30;

    private RingcastServer server;
    private String rtmpBase;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @BeforeEach
    void start() {
        Ffmpeg.assumeInstalled();
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [ring]
                skip_lag_ms = 1000
                disconnect_lag_ms = 2000
                """).configFile(), OptionalInt.empty()));
        rtmpBase = "rtmp://127.0.0.1:" + server.pluginPort("rtmp");
    }

    private Ffmpeg.FfmpegProcess publish(String name, String size, double seconds) throws IOException {
        return publish(name, size, seconds, "1500k");
    }

    private Ffmpeg.FfmpegProcess publish(String name, String size, double seconds, String videoBitrate)
            throws IOException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(Ffmpeg.publishArgs(rtmpBase + "/live/" + name, size, FPS, seconds,
                videoBitrate), "publish-" + name);
        cleanup.add(p);
        return p;
    }

    private String flvUrl(String name) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + name + ".flv";
    }

    private TrackRing videoRing(String name) {
        Stream stream = server.engine().streams().find(StreamPath.parse("live/" + name));
        return stream == null ? null : stream.track(TrackKind.VIDEO);
    }

    private void awaitVideoFrames(String name, long frames) {
        Await.until(frames + " video frames of " + name, Duration.ofSeconds(30), () -> {
            TrackRing ring = videoRing(name);
            return ring != null && ring.framesPublished() >= frames;
        });
    }

    /** Opens a raw HTTP-FLV connection and returns its stream after the response head. */
    private Socket openFlv(String name) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        socket.setSoTimeout(15_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /live/" + name + ".flv HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Skips the status line and headers; a chunked body is unwrapped. */
    private static InputStream body(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed in the response head: " + head);
            }
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        boolean chunked = head.toString().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
        return chunked ? new ChunkedInput(in) : in;
    }

    @Test
    void shouldServeWhatFfmpegPublishesToFfprobeAndFfmpegOverHttpFlv() throws Exception {
        Ffmpeg.FfmpegProcess publisher = publish("x", "1280x720", 20);
        awaitVideoFrames("x", 10);

        Ffmpeg.Probe probe = Ffmpeg.probe(flvUrl("x"), 30);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("1280", probe.get("video", "width"));
        assertEquals("720", probe.get("video", "height"));
        assertEquals("30/1", probe.get("video", "r_frame_rate"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals("44100", probe.get("audio", "sample_rate"));

        // Decode 5 s of both tracks; every decoded frame becomes one framecrc line.
        Ffmpeg.FfmpegProcess player = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", flvUrl("x"), "-t", "5", "-map", "0:v", "-map", "0:a", "-f", "framecrc", "-"), "player");
        cleanup.add(player);
        assertEquals(0, player.await(60), player.output());
        String out = player.output();
        long videoFrames = out.lines().filter(l -> l.startsWith("0,")).count();
        long audioFrames = out.lines().filter(l -> l.startsWith("1,")).count();
        List<String> other = out.lines().filter(l -> !l.startsWith("#") && !l.startsWith("0,")
                && !l.startsWith("1,")).toList();
        assertEquals(List.of(), other, "no error lines from the decoder");
        assertTrue(videoFrames >= 5 * FPS - 1, "decoded 5 s of video: " + videoFrames + " frames");
        assertTrue(audioFrames >= 5 * 44_100 / 1024 - 2, "decoded 5 s of audio: " + audioFrames + " frames");
        assertTrue(publisher.process().isAlive(), "the publisher was never disturbed");
    }

    @Test
    void shouldStartALateJoinerMidGopAtAKeyframeWithin100Ms() throws Exception {
        publish("late", "1280x720", 30);
        awaitVideoFrames("late", 2 * FPS + 10);
        List<Long> delaysMs = new ArrayList<>();
        for (int join = 0; join < 5; join++) {
            TrackRing ring = videoRing("late");
            long published = ring.framesPublished();
            // Join mid-GOP: away from the keyframe at every 60th frame (plus the sequence header slot).
            Await.until("mid-GOP", Duration.ofSeconds(5), () -> (ring.framesPublished() - 1) % (2 * FPS) > 15
                    && (ring.framesPublished() - 1) % (2 * FPS) < 45 && ring.framesPublished() > published);
            long requestNs = System.nanoTime();
            try (Socket socket = openFlv("late")) {
                FlvStreamReader flv = new FlvStreamReader(body(socket));
                assertEquals(0x05, flv.readHeader(), "audio and video flags");
                assertEquals(TAG_SCRIPT, flv.next().type(), "onMetaData first");
                FlvStreamReader.Tag tag;
                do {
                    tag = flv.next();
                } while (tag.type() != TAG_VIDEO || isSequenceHeader(tag));
                long delayMs = (System.nanoTime() - requestNs) / 1_000_000;
                assertEquals(1, (tag.body()[0] & 0xF0) >> 4, "the first video frame is a keyframe");
                assertEquals(1, tag.body()[1], "an AVC NALU, not a header");
                delaysMs.add(delayMs);
            }
        }
        assertTrue(delaysMs.stream().allMatch(d -> d < 100), "first keyframe within 100 ms: " + delaysMs);
        System.out.println("late joiner: first keyframe after " + delaysMs + " ms");
    }

    @Test
    void shouldKeepAViewerAcrossAPublisherReconnectWithNonDecreasingTimestamps() throws Exception {
        Ffmpeg.FfmpegProcess first = publish("re", "640x360", 4);
        awaitVideoFrames("re", 5);
        // A real player on the same stream must decode on across the gap without a single error line.
        Ffmpeg.FfmpegProcess player = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", flvUrl("re"), "-t", "6", "-map", "0:v", "-f", "framecrc", "-"), "player-re");
        cleanup.add(player);
        try (Socket socket = openFlv("re")) {
            FlvStreamReader flv = new FlvStreamReader(body(socket));
            flv.readHeader();
            CompletableFuture<List<FlvStreamReader.Tag>> tags = CompletableFuture.supplyAsync(() -> {
                List<FlvStreamReader.Tag> seen = new ArrayList<>();
                try {
                    long newestTs = -1;
                    while (newestTs < 7_000) {
                        FlvStreamReader.Tag tag = flv.next();
                        if (tag == null) {
                            break;
                        }
                        seen.add(tag);
                        newestTs = Math.max(newestTs, tag.timestampMs());
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return seen;
            });
            assertEquals(0, first.await(30), first.output());
            Await.until("stream to wait for its publisher", Duration.ofSeconds(10), () -> server.engine().streams()
                    .find(StreamPath.parse("live/re")).state() == StreamState.WAITING_PUBLISHER);
            Ffmpeg.FfmpegProcess second = publish("re", "640x360", 4);
            assertEquals(0, second.await(30), second.output());
            List<FlvStreamReader.Tag> seen = tags.get();
            // Per track, decode timestamps never go back (across tracks a publisher interleaves with a few ms of
            // skew); and everything the second publisher sent comes after everything of the first.
            long[] previousByType = new long[32];
            java.util.Arrays.fill(previousByType, -1);
            long previous = -1;
            long newestBeforeReconnect = -1;
            int keyframesAfterReconnect = 0;
            int sequenceHeaders = 0;
            for (FlvStreamReader.Tag tag : seen) {
                if (tag.type() == TAG_SCRIPT) {
                    continue;
                }
                assertTrue(tag.timestampMs() >= previousByType[tag.type()], "type " + tag.type() + " timestamp "
                        + tag.timestampMs() + " after " + previousByType[tag.type()]);
                previousByType[tag.type()] = tag.timestampMs();
                previous = Math.max(previous, tag.timestampMs());
                if (tag.type() == TAG_VIDEO && isSequenceHeader(tag)) {
                    sequenceHeaders++;
                    if (sequenceHeaders == 2) {
                        newestBeforeReconnect = previous;
                        assertTrue(tag.timestampMs() >= newestBeforeReconnect, "rebased past the first session");
                    }
                } else if (sequenceHeaders >= 2) {
                    assertTrue(tag.timestampMs() > newestBeforeReconnect - 1, "second session frame at "
                            + tag.timestampMs() + " before the first session's last " + newestBeforeReconnect);
                    if (tag.type() == TAG_VIDEO && (tag.body()[0] & 0xF0) == 0x10) {
                        keyframesAfterReconnect++;
                    }
                }
            }
            assertEquals(0, player.await(30), player.output());
            List<String> playerLines = player.output().lines().filter(l -> !l.startsWith("#")).toList();
            assertEquals(List.of(), playerLines.stream().filter(l -> !l.startsWith("0,")).toList(),
                    "no decoder errors across the reconnect");
            assertTrue(playerLines.size() >= 5 * FPS, "decoded frames of both sessions: " + playerLines.size());
            assertTrue(sequenceHeaders >= 2, "the second publisher's sequence header reached the viewer");
            assertTrue(keyframesAfterReconnect >= 1, "frames of the second publisher reached the same viewer");
            assertTrue(previous >= 7_000, "8 s of media over one connection, last timestamp " + previous);
        }
    }

    @Test
    void shouldNotLetAStalledViewerCostAHealthyViewerAFrame() throws Exception {
        // 8 Mbit/s: more than the kernel's socket buffers (up to 4 MB on loopback) can hide from the server.
        publish("slow", "1280x720", 14, "8000k");
        awaitVideoFrames("slow", 5);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", server.httpPort()));
            stalled.getOutputStream().write("GET /live/slow.flv HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            try (Socket healthy = openFlv("slow")) {
                FlvStreamReader flv = new FlvStreamReader(body(healthy));
                flv.readHeader();
                long previousVideoTs = -1;
                int videoFrames = 0;
                int maxGapMs = 0;
                while (videoFrames < 8 * FPS) {
                    FlvStreamReader.Tag tag = flv.next();
                    assertNotNull(tag, "stream ended early");
                    if (tag.type() != TAG_VIDEO || isSequenceHeader(tag)) {
                        continue;
                    }
                    if (previousVideoTs >= 0) {
                        maxGapMs = (int) Math.max(maxGapMs, tag.timestampMs() - previousVideoTs);
                    }
                    previousVideoTs = tag.timestampMs();
                    videoFrames++;
                }
                assertTrue(maxGapMs <= 40, "no video frame missing (30 fps): largest gap " + maxGapMs + " ms");
            }
            Stream stream = server.engine().streams().find(StreamPath.parse("live/slow"));
            Await.until("the stalled viewer to be disconnected for lag", Duration.ofSeconds(10),
                    () -> stream.subscribersDisconnectedForLag() >= 1,
                    () -> "viewers " + stream.subscribersByProtocol() + ", skipped " + stream.framesSkipped()
                            + ", state " + stream.state());
        }
    }

    private static boolean isSequenceHeader(FlvStreamReader.Tag tag) {
        return tag.body().length > 1 && tag.body()[1] == 0
                && ((tag.type() == TAG_VIDEO && (tag.body()[0] & 0x0F) == 7)
                || (tag.type() == TAG_AUDIO && (tag.body()[0] & 0xF0) == 0xA0));
    }
}
