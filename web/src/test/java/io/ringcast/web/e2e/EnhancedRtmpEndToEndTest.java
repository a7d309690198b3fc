package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.Ffmpeg7;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HEVC and AV1 over Enhanced RTMP end to end with ffmpeg 7.1 ({@link Ffmpeg7}): it publishes x265 HEVC (640x360,
 * 30 fps) and SVT-AV1 (320x180, 30 fps) with AAC, copied from MP4 into Enhanced FLV; ffprobe 7.1 reads codec, size
 * and frame rate through RTMP play, HTTP-FLV, HLS (MPEG-TS: HEVC only; AV1 is left out and the playlist is
 * audio-only) and the recording; ffmpeg 7.1 decodes 10 s over RTMP and HTTP-FLV with no error line;
 * {@code /api/streams} shows codec, size and fps. A crafted publisher sends the same HEVC with the legacy FLV codec
 * id 12, which ffmpeg cannot send or read: the server takes it (stats, HLS) and passes its tags on unchanged.
 */
@Timeout(240)
class EnhancedRtmpEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MEDIA = Path.of("target", "ffmpeg7-media");
    private static final int FPS = 30;
    private static final int MEDIA_SECONDS = 16;
    private static final int DECODE_SECONDS = 10;

    private LoopbackServer server;
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @BeforeEach
    void start() throws IOException {
        Ffmpeg7.assumeAvailable();
        Files.createDirectories(MEDIA);
        // A stream ends (and its recording with it) one second after its publisher left.
        server = cleanup.add(LoopbackServer.start("[Engine]\nPublishTimeout = 1\n[record]\nenable = true\n"));
    }

    private <T extends Ffmpeg.FfmpegProcess> T track(T process) {
        return cleanup.add(process);
    }

    private String rtmpUrl(String name) {
        return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + name;
    }

    /** The stream's LL-HLS (fMP4) playlist. */
    private String llHlsUrl(String name) {
        return "http://127.0.0.1:" + server.httpPort() + "/llhls/live/" + name + ".m3u8";
    }

    private String httpUrl(String path) {
        return "http://127.0.0.1:" + server.httpPort() + "/live/" + path;
    }

    @Test
    void shouldCarryHevcFromFfmpeg71ToEveryViewerTheRecordingAndHls() throws Throwable {
        assertCarriedEverywhere(Ffmpeg7.hevcMp4(MEDIA, "640x360", FPS, MEDIA_SECONDS), "hevc", 640, 360, () -> {
            Ffmpeg.Probe hls = Ffmpeg7.probe(httpUrl("hevc.m3u8"), 30);
            assertProbe(hls, "hevc", 640, 360, "HLS");
            assertEquals("aac", hls.get("audio", "codec_name"), hls.output());
            assertSegmentDecodes("hevc", true);
        });
    }

    @Test
    void shouldCarryAv1FromFfmpeg71AndLeaveItOutOfMpegTsHls() throws Throwable {
        assertCarriedEverywhere(Ffmpeg7.av1Mp4(MEDIA, "320x180", FPS, MEDIA_SECONDS), "av1", 320, 180, () -> {
            Ffmpeg.Probe hls = Ffmpeg7.probe(httpUrl("av1.m3u8"), 30);
            assertEquals(0, hls.exitCode(), hls.output());
            assertNull(hls.get("video", "codec_name"), "MPEG-TS HLS leaves AV1 out: " + hls.output());
            assertEquals("aac", hls.get("audio", "codec_name"), hls.output());
        });
    }

    /**
     * ffmpeg 7.1 publishes {@code media} into {@code live/{codec}}; ffprobe 7.1 must read the codec and size through
     * HTTP-FLV, RTMP play, LL-HLS and the recording, ffmpeg 7.1 must decode 10 s of the first three, and
     * {@code /api/streams} must show them; {@code mpegTsHls} checks the MPEG-TS playlist once it exists.
     */
    private void assertCarriedEverywhere(Path media, String codec, int width, int height, Executable mpegTsHls)
            throws Throwable {
        Ffmpeg.FfmpegProcess publisher = track(Ffmpeg7.start(Ffmpeg7.publishArgs(media, rtmpUrl(codec)),
                "publish-" + codec));
        awaitVideoFrames(codec, FPS);

        Ffmpeg.FfmpegProcess flvDecoder = track(Ffmpeg7.decode(httpUrl(codec + ".flv"), DECODE_SECONDS));
        Ffmpeg.FfmpegProcess rtmpDecoder = track(Ffmpeg7.decode(rtmpUrl(codec), DECODE_SECONDS));
        assertProbe(Ffmpeg7.probe(httpUrl(codec + ".flv"), 30), codec, width, height, "HTTP-FLV");
        assertProbe(Ffmpeg7.probe(rtmpUrl(codec), 30), codec, width, height, "RTMP play");
        assertStats(codec, codec, width, height);

        awaitPlaylist(codec);
        mpegTsHls.execute();
        Ffmpeg.FfmpegProcess llDecoder = track(Ffmpeg7.decode(llHlsUrl(codec), DECODE_SECONDS));
        Ffmpeg.Probe ll = Ffmpeg7.probe(llHlsUrl(codec), 30);
        assertProbe(ll, codec, width, height, "LL-HLS (fMP4)");
        assertEquals("aac", ll.get("audio", "codec_name"), ll.output());

        assertDecodedTenSeconds(flvDecoder, "HTTP-FLV");
        assertDecodedTenSeconds(rtmpDecoder, "RTMP play");
        assertDecodedTenSeconds(llDecoder, "LL-HLS (fMP4)");
        assertEquals(0, publisher.await(MEDIA_SECONDS + 30), publisher.output());
        assertRecording("live/" + codec, codec, width, height);
    }

    @Test
    void shouldTakeHevcWithCodecId12AndPassItOnUnchanged() throws Exception {
        Path flv = MEDIA.resolve("hevc-640x360-enhanced.flv");
        if (!Files.exists(flv)) {
            Path mp4 = Ffmpeg7.hevcMp4(MEDIA, "640x360", FPS, MEDIA_SECONDS);
            Ffmpeg.FfmpegProcess remux = track(Ffmpeg7.start(List.of("-hide_banner", "-loglevel", "error", "-y",
                    "-i", mp4.toString(), "-c", "copy", "-f", "flv", flv + ".partial"), "remux"));
            assertEquals(0, remux.await(60), remux.output());
            Files.move(Path.of(flv + ".partial"), flv);
        }
        List<FlvTags.Tag> tags = LegacyHevc.rewrite(FlvTags.read(flv));
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        Future<?> publishing = publisher.submit(() -> LegacyHevc.publish(server.rtmpPort(), "h12", tags));
        try {
            awaitVideoFrames("h12", FPS);
            assertStats("h12", "hevc", 640, 360);

            try (InputStream in = URI.create(httpUrl("h12.flv")).toURL().openStream()) {
                FlvStreamReader reader = new FlvStreamReader(in);
                reader.readHeader();
                FlvStreamReader.Tag first = nextVideo(reader);
                assertEquals(0x1C, first.body()[0] & 0xFF, "the sequence header as sent: key frame, codec id 12");
                assertEquals(VideoTagHeader.AVC_SEQUENCE_HEADER, first.body()[1]);
                FlvStreamReader.Tag frame = nextVideo(reader);
                assertEquals(0x1C, frame.body()[0] & 0xFF, "a viewer starts at a key frame, codec id 12");
                assertEquals(VideoTagHeader.AVC_NALU, frame.body()[1]);
                assertTrue(containsTag(tags, frame.body()), "frames pass through byte for byte");
            }

            awaitPlaylist("h12");
            assertProbe(Ffmpeg7.probe(httpUrl("h12.m3u8"), 30), "hevc", 640, 360, "HLS from codec id 12");
            assertSegmentDecodes("h12", true);
            publishing.get(MEDIA_SECONDS + 30, TimeUnit.SECONDS);
        } finally {
            publisher.shutdownNow();
        }
    }

    private static FlvStreamReader.Tag nextVideo(FlvStreamReader reader) throws IOException {
        FlvStreamReader.Tag tag;
        do {
            tag = reader.next();
        } while (tag.type() != MessageTypeIds.VIDEO);
        return tag;
    }

    private static boolean containsTag(List<FlvTags.Tag> tags, byte[] body) {
        return tags.stream().anyMatch(t -> java.util.Arrays.equals(t.body(), body));
    }

    private void awaitVideoFrames(String name, long frames) {
        Await.until(frames + " video frames of " + name, Duration.ofSeconds(30), () -> {
            Stream stream = server.engine().streams().find(StreamPath.parse("live/" + name));
            TrackRing ring = stream == null ? null : stream.track(TrackKind.VIDEO);
            return ring != null && ring.framesPublished() >= frames;
        });
    }

    private void awaitPlaylist(String name) {
        Await.until("an HLS playlist with 2 segments for " + name, Duration.ofSeconds(30), () -> {
            try {
                HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/" + name + ".m3u8");
                return c.getResponseCode() == 200 && Http.body(c).split("#EXTINF").length > 2;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Downloads the playlist's first segment and decodes it whole with ffmpeg 7.1. */
    private void assertSegmentDecodes(String name, boolean video) throws Exception {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", "/live/" + name + ".m3u8");
        String playlist = Http.body(c);
        String segment = playlist.lines().filter(l -> l.endsWith(".ts")).findFirst().orElseThrow();
        Path file = Files.createTempFile("ringcast-" + name + "-", ".ts");
        try {
            try (InputStream in = URI.create(httpUrl(segment)).toURL().openStream()) {
                Files.write(file, in.readAllBytes());
            }
            Ffmpeg.Probe probe = Ffmpeg7.probe(file.toString(), 30);
            assertEquals(video ? "hevc" : null, probe.get("video", "codec_name"), probe.output());
            Ffmpeg.FfmpegProcess decoder = track(Ffmpeg7.decode(file.toString(), 60));
            assertEquals(0, decoder.await(60), decoder.output());
            long[] frames = decoder.decodedFramesPerStream();
            assertTrue(frames[0] >= FPS, "a 2 s segment holds at least a second of pictures: " + frames[0]);
            System.out.println("enhanced-rtmp: " + name + " segment " + segment + ": " + Files.size(file)
                    + " bytes, decoded " + frames[0] + " video / " + frames[1] + " audio frames");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void assertProbe(Ffmpeg.Probe probe, String codec, int width, int height, String via) {
        assertEquals(0, probe.exitCode(), via + ": " + probe.output());
        assertEquals(codec, probe.get("video", "codec_name"), via + ": " + probe.output());
        assertEquals(String.valueOf(width), probe.get("video", "width"), via + ": " + probe.output());
        assertEquals(String.valueOf(height), probe.get("video", "height"), via + ": " + probe.output());
        assertEquals(FPS + "/1", probe.get("video", "r_frame_rate"), via + ": " + probe.output());
        System.out.println("enhanced-rtmp: ffprobe 7.1 via " + via + ": " + codec + " " + width + "x" + height + " "
                + probe.get("video", "r_frame_rate"));
    }

    private static void assertDecodedTenSeconds(Ffmpeg.FfmpegProcess decoder, String via) throws Exception {
        assertEquals(0, decoder.await(DECODE_SECONDS + 40), via + ": " + decoder.output());
        long[] frames = decoder.decodedFramesPerStream();
        System.out.println("enhanced-rtmp: ffmpeg 7.1 decoded " + frames[0] + " video and " + frames[1]
                + " audio frames in " + DECODE_SECONDS + " s via " + via);
        assertEquals(DECODE_SECONDS * FPS, (double)frames[0], FPS / 2.0, via + ": 10 s of 30 fps video");
        assertTrue(frames[1] > DECODE_SECONDS * 40, via + ": 10 s of AAC (43 frames/s): " + frames[1]);
    }

    private void assertStats(String name, String codec, int width, int height) {
        JsonNode[] video = new JsonNode[1];
        Await.until("stats of " + name + " with its frame rate", Duration.ofSeconds(15), () -> {
            try {
                JsonNode stats = server.streamStats("live/" + name);
                video[0] = stats == null ? null : stats.path("publisher").path("video");
            } catch (IOException e) {
                return false;
            }
            return video[0] != null && video[0].path("fps").asDouble() > FPS * 0.8;
        }, () -> "video: " + video[0]);
        System.out.println("enhanced-rtmp: /api/streams/live/" + name + " video " + video[0]);
        assertEquals(codec, video[0].path("codec").asText(), video[0].toString());
        assertEquals(width, video[0].path("width").asInt(), video[0].toString());
        assertEquals(height, video[0].path("height").asInt(), video[0].toString());
        assertEquals(FPS, video[0].path("fps").asDouble(), FPS * 0.2, video[0].toString());
    }

    private void assertRecording(String stream, String codec, int width, int height) throws Exception {
        JsonNode[] outcome = new JsonNode[1];
        Await.until("a finished recording of " + stream, Duration.ofSeconds(30), () -> {
            try {
                HttpURLConnection c = Http.open(server.httpPort(), "GET", "/api/recordings");
                for (JsonNode r : JSON.readTree(Http.body(c)).path("recordings")) {
                    if (r.path("stream").asText().equals(stream)) {
                        outcome[0] = r;
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        });
        assertTrue(outcome[0].path("error").isNull(), outcome[0].toString());
        String file = outcome[0].path("file").asText();
        assertProbe(Ffmpeg7.probe(file, 30), codec, width, height, "the recording");
        Ffmpeg.FfmpegProcess decoder = track(Ffmpeg7.decode(file, 600));
        assertEquals(0, decoder.await(60), decoder.output());
        long[] frames = decoder.decodedFramesPerStream();
        System.out.println("enhanced-rtmp: recording " + file + ": " + Files.size(Path.of(file)) + " bytes, "
                + frames[0] + " video / " + frames[1] + " audio frames decoded by ffmpeg 7.1");
        assertTrue(frames[0] >= (MEDIA_SECONDS - 2) * FPS, "the recording holds the stream from its first keyframe: "
                + frames[0]);
    }

    /** FLV file tags, read whole: enough for a test file of a few hundred kB. */
    static final class FlvTags {
        private static final int FILE_HEADER_AND_FIRST_PREVIOUS_TAG_SIZE = 13;
        private static final int TAG_HEADER = 11;
        private static final int PREVIOUS_TAG_SIZE = 4;

        record Tag(int type, long timestampMs, byte[] body) {
        }

        private FlvTags() {
        }

        static List<Tag> read(Path file) throws IOException {
            UnsafeBuffer bytes = new UnsafeBuffer(Files.readAllBytes(file));
            List<Tag> tags = new ArrayList<>();
            int p = FILE_HEADER_AND_FIRST_PREVIOUS_TAG_SIZE;
            while (p + TAG_HEADER <= bytes.capacity()) {
                int type = io.ringcast.broadcast.media.flv.FlvTag.type(bytes, p);
                int size = io.ringcast.broadcast.media.flv.FlvTag.dataSize(bytes, p);
                long timestampMs = io.ringcast.broadcast.media.flv.FlvTag.timestampMs(bytes, p);
                byte[] body = new byte[size];
                bytes.getBytes(p + TAG_HEADER, body);
                tags.add(new Tag(type, timestampMs, body));
                p += TAG_HEADER + size + PREVIOUS_TAG_SIZE;
            }
            return tags;
        }
    }

    /** The crafted publisher of HEVC with the legacy FLV codec id 12, which no ffmpeg sends. */
    static final class LegacyHevc {
        private LegacyHevc() {
        }

        /** Enhanced 'hvc1' video tags rewritten as codec id 12; metadata and command frames left out. */
        static List<FlvTags.Tag> rewrite(List<FlvTags.Tag> tags) {
            List<FlvTags.Tag> out = new ArrayList<>();
            VideoTagHeader header = new VideoTagHeader();
            for (FlvTags.Tag tag : tags) {
                if (tag.type() != MessageTypeIds.VIDEO) {
                    if (tag.type() == MessageTypeIds.AUDIO) {
                        out.add(tag);
                    }
                    continue;
                }
                header.wrap(new UnsafeBuffer(tag.body()), 0, tag.body().length);
                int packetType;
                if (header.isSequenceHeader()) {
                    packetType = VideoTagHeader.AVC_SEQUENCE_HEADER;
                } else if (header.isCodedFrame()) {
                    packetType = VideoTagHeader.AVC_NALU;
                } else {
                    continue;
                }
                int dataLength = tag.body().length - header.headerLength();
                byte[] body = new byte[VideoTagHeader.LEGACY_AVC_HEADER_LENGTH + dataLength];
                UnsafeBuffer buffer = new UnsafeBuffer(body);
                VideoTagHeader.writeLegacy(buffer, 0, header.frameType(), VideoTagHeader.CODEC_ID_HEVC, packetType,
                        header.compositionTimeOffsetMs());
                buffer.putBytes(VideoTagHeader.LEGACY_AVC_HEADER_LENGTH, tag.body(), header.headerLength(),
                        dataLength);
                out.add(new FlvTags.Tag(MessageTypeIds.VIDEO, tag.timestampMs(), body));
            }
            return out;
        }

        /** Publishes the tags at the pace of their timestamps, as an encoder would; stops when interrupted. */
        static void publish(int port, String name, List<FlvTags.Tag> tags) {
            try (RawRtmpClient client = new RawRtmpClient(port, 0)) {
                client.setChunkSize(65536);
                client.publish("live", name);
                long startNs = System.nanoTime();
                for (FlvTags.Tag tag : tags) {
                    long dueNs = startNs + TimeUnit.MILLISECONDS.toNanos(tag.timestampMs());
                    while (System.nanoTime() < dueNs) {
                        if (Thread.interrupted()) {
                            return;
                        }
                        LockSupport.parkNanos(dueNs - System.nanoTime());
                    }
                    client.sendMedia(tag.type(), tag.timestampMs(), tag.body());
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
