package io.ringcast.broadcast.llhls;

import io.ringcast.broadcast.hls.FlvTestFile;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Ffmpeg;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real frames (an FLV made by ffmpeg: H.264 with B-frames, 2 s GOP, 30 fps 640x360; AAC 44.1 kHz stereo) through
 * the LL-HLS segmenter; ffprobe reads the init segment plus the segments (and the init plus the parts of one
 * segment) as the fMP4 a player gets, and ffmpeg decodes them without an error line.
 */
@Timeout(120)
class LlHlsFfprobeTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");

    @TempDir
    static Path sources;
    private static List<FlvTestFile.Frame> both;
    private static List<FlvTestFile.Frame> videoOnly;
    private static List<FlvTestFile.Frame> audioOnly;

    @TempDir
    Path work;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);

    @BeforeAll
    static void makeSources() throws Exception {
        Ffmpeg.assumeInstalled();
        FlvTestFile.Sources generated = FlvTestFile.Sources.generate(sources);
        both = generated.both();
        videoOnly = generated.videoOnly();
        audioOnly = generated.audioOnly();
    }

    private LlWindow segment(List<FlvTestFile.Frame> frames) {
        LlHlsStreams streams = new LlHlsStreams(LlHlsConfig.defaults());
        LlHlsSegmenter segmenter = streams.open(PATH);
        for (FlvTestFile.Frame f : frames) {
            payload.putBytes(0, f.body());
            segmenter.onFrame(f.codec(), f.keyframe(), f.sequenceHeader(), f.timestampMs(), f.compositionTimeMs(),
                    payload, 0, f.body().length, f.headerLength(), f.format());
        }
        return streams.find(PATH).window();
    }

    private Path file(String name, LlWindow w, List<byte[]> media) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(w.init(0));
        for (byte[] m : media) {
            out.write(m);
        }
        return Files.write(work.resolve(name), out.toByteArray());
    }

    @Test
    void shouldMakeFmp4ThatFfprobeReadsAsH264AndAacAndFfmpegDecodes() throws Exception {
        LlWindow w = segment(both);
        assertEquals(List.of(0L, 1L, 2L), w.segments().stream().map(LlSegment::sequence).toList());
        Path all = file("all.mp4", w, w.segments().stream().map(LlSegment::bytes).toList());

        Ffmpeg.Probe probe = Ffmpeg.probe(all.toString(), 30);

        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("360", probe.get("video", "height"));
        assertEquals("30/1", probe.get("video", "r_frame_rate"), probe.output());
        assertEquals("avc1", probe.get("video", "codec_tag_string"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals("44100", probe.get("audio", "sample_rate"));
        assertEquals("2", probe.get("audio", "channels"));
        long[] frames = decode(all);
        assertEquals(180, frames[0], "6 s of video at 30 fps in three segments");
        assertTrue(frames[1] > 240, "audio frames: " + frames[1]);
    }

    @Test
    void shouldMakePartsThatPlayOnTheirOwnAfterTheInit() throws Exception {
        LlWindow w = segment(both);
        LlSegment second = w.segments().get(1);
        List<byte[]> parts = second.parts().stream()
                .map(p -> java.util.Arrays.copyOf(p.bytes(), p.length())).toList();
        assertTrue(parts.size() >= 10, "2 s in parts of at most 200 ms: " + parts.size());
        Path file = file("parts.mp4", w, parts);

        long[] frames = decode(file);

        assertEquals(60, frames[0], "the segment's 60 frames from its parts");
    }

    @Test
    void shouldMakeVideoOnlyAndAudioOnlyFmp4() throws Exception {
        LlWindow video = segment(videoOnly);
        Path v = file("video.mp4", video, video.segments().stream().map(LlSegment::bytes).toList());
        Ffmpeg.Probe pv = Ffmpeg.probe(v.toString(), 30);
        assertEquals("h264", pv.get("video", "codec_name"), pv.output());
        assertEquals(null, pv.get("audio", "codec_name"));
        assertEquals(120, decode(v)[0]);

        LlWindow audio = segment(audioOnly);
        Path a = file("audio.mp4", audio, audio.segments().stream().map(LlSegment::bytes).toList());
        Ffmpeg.Probe pa = Ffmpeg.probe(a.toString(), 30);
        assertEquals("aac", pa.get("audio", "codec_name"), pa.output());
        assertEquals(null, pa.get("video", "codec_name"));
        assertTrue(decode(a)[0] > 60, "audio frames decoded");
    }

    /** Decodes to framecrc; fails on any error line; returns frames per stream. */
    private static long[] decode(Path file) throws Exception {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", file.toString(), "-f", "framecrc", "-"), "decode");
        assertEquals(0, p.await(60), p.output());
        return p.decodedFramesPerStream();
    }
}
