package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.media.hevc.HevcAnnexB;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.Ffmpeg7;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MPEG-TS segments of HEVC: x265 video (640x360, 30 fps, a keyframe every second) with AAC, muxed into Enhanced FLV
 * by ffmpeg 7.1 and fed to the segmenter as ingest describes the frames; the segments carry stream type 0x24, an
 * HEVC AUD first in every access unit and VPS/SPS/PPS before every IRAP picture, and ffprobe/ffmpeg 7.1 read them.
 * AV1 frames are left out.
 */
@Timeout(120)
class HlsSegmenterHevcTest {
    private static final StreamPath PATH = StreamPath.parse("live/hevc");
    private static final int FPS = 30;
    private static final long NANOS_PER_MS = 1_000_000;

    @TempDir
    static Path sources;
    private static List<FlvTestFile.Frame> frames;

    @TempDir
    Path work;
    private final AtomicLong nowNs = new AtomicLong();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);

    @BeforeAll
    static void makeSource() throws Exception {
        Ffmpeg7.assumeAvailable();
        Path mp4 = Ffmpeg7.hevcMp4(sources, "640x360", FPS, 7);
        Path flv = sources.resolve("hevc.flv");
        Ffmpeg.FfmpegProcess remux = Ffmpeg7.start(List.of("-hide_banner", "-loglevel", "error", "-y", "-i",
                mp4.toString(), "-c", "copy", "-f", "flv", flv.toString()), "remux");
        assertEquals(0, remux.await(60), remux.output());
        frames = read(flv);
    }

    /** The file's audio and video tags as ingest describes them (enhanced metadata packets dropped, as ingest does). */
    private static List<FlvTestFile.Frame> read(Path flv) throws Exception {
        byte[] file = Files.readAllBytes(flv);
        UnsafeBuffer bytes = new UnsafeBuffer(file);
        VideoTagHeader video = new VideoTagHeader();
        List<FlvTestFile.Frame> out = new ArrayList<>();
        int p = 13;
        while (p + 11 <= file.length) {
            int type = io.ringcast.broadcast.media.flv.FlvTag.type(bytes, p);
            int size = io.ringcast.broadcast.media.flv.FlvTag.dataSize(bytes, p);
            long ts = io.ringcast.broadcast.media.flv.FlvTag.timestampMs(bytes, p);
            byte[] body = new byte[size];
            bytes.getBytes(p + 11, body);
            p += 11 + size + 4;
            if (type == FlvTestFile.TAG_VIDEO) {
                video.wrap(new UnsafeBuffer(body), 0, size);
                if (video.isMetadata() || video.frameType() == VideoTagHeader.FRAME_TYPE_INFO_COMMAND) {
                    continue;
                }
                boolean sequence = video.isSequenceHeader();
                out.add(new FlvTestFile.Frame(Codec.HEVC, video.isKeyFrame(), sequence, ts,
                        video.compositionTimeOffsetMs(), body, video.headerLength(),
                        sequence ? new TrackFormat(Codec.HEVC, body, video.headerLength(), 640, 360, 0, 0) : null));
            } else if (type == FlvTestFile.TAG_AUDIO) {
                boolean sequence = body.length > 1 && body[1] == 0;
                out.add(new FlvTestFile.Frame(Codec.AAC, false, sequence, ts, 0, body,
                        FlvTestFile.AAC_HEADER_LENGTH,
                        sequence ? new TrackFormat(Codec.AAC, body, FlvTestFile.AAC_HEADER_LENGTH, 0, 0, 0, 0) : null));
            }
        }
        return out;
    }

    private HlsStreams streams() {
        return new HlsStreams(HlsConfig.defaults(), nowNs::get, Runnable::run);
    }

    private void feed(HlsSegmenter segmenter, List<FlvTestFile.Frame> list) {
        for (FlvTestFile.Frame f : list) {
            long ingest = f.timestampMs() * NANOS_PER_MS;
            nowNs.set(ingest);
            FlvTestFile.feedOne(segmenter, f, 0, payload, ingest);
        }
    }

    /** HEVC nal_unit_type of every NAL unit behind a start code in an Annex B elementary stream. */
    private static List<Integer> hevcNalTypes(byte[] es) {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i + 3 < es.length; i++) {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 1) {
                types.add(HevcAnnexB.nalType(es[i + 3]));
                i += 2;
            }
        }
        return types;
    }

    @Test
    void shouldMuxHevcWithStreamType0x24AudAndParameterSetsBeforeEveryKeyframe() throws Exception {
        HlsStreams streams = streams();
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, frames);
        HlsWindow window = streams.find(PATH).window();
        assertEquals(2, window.segments().size(), () -> "keyframes at 0, 0.967, 1.967 s...: cut at 2.967, 4.967 s; "
                + window.segments() + "; keyframes at " + frames.stream().filter(f -> f.keyframe()
                && !f.sequenceHeader()).map(FlvTestFile.Frame::timestampMs).toList() + ", muxed " + streams.find(PATH)
                .stats().framesMuxed() + ", dropped " + streams.find(PATH).stats().framesDropped() + ", malformed "
                + streams.find(PATH).stats().framesMalformed());

        TsAnalyzer analyzer = new TsAnalyzer();
        int irapAccessUnits = 0;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (HlsSegment s : window.segments()) {
            all.write(s.bytes());
            TsAnalyzer.Segment segment = analyzer.analyze(s.bytes(), s.discontinuity());
            assertEquals(PsiWriter.STREAM_TYPE_HEVC, segment.streams().get(PsiWriter.VIDEO_PID));
            assertEquals(PsiWriter.STREAM_TYPE_AAC_ADTS, segment.streams().get(PsiWriter.AUDIO_PID));
            assertEquals(PsiWriter.VIDEO_PID, segment.pes().get(0).pid(), "a segment starts with its keyframe");
            for (TsAnalyzer.Pes pes : segment.of(PsiWriter.VIDEO_PID)) {
                List<Integer> nals = hevcNalTypes(pes.es());
                assertEquals(HevcAnnexB.NAL_AUD, nals.get(0), "AUD first: " + nals);
                boolean irap = nals.stream().anyMatch(HevcAnnexB::isIrap);
                if (irap) {
                    irapAccessUnits++;
                    assertEquals(List.of(HevcAnnexB.NAL_AUD, HevcAnnexB.NAL_VPS, HevcAnnexB.NAL_SPS,
                            HevcAnnexB.NAL_PPS), nals.subList(0, 4), "parameter sets before the IRAP picture");
                    assertTrue(pes.randomAccess());
                } else {
                    assertFalse(nals.contains(HevcAnnexB.NAL_VPS), "parameter sets only before IRAPs: " + nals);
                }
            }
        }
        assertEquals(5, irapAccessUnits, "a keyframe a second in 4.967 s of segments");
        long segmentsMs = window.segments().stream().mapToLong(HlsSegment::durationMs).sum();
        assertEquals(4967, segmentsMs);

        Path ts = Files.write(work.resolve("all.ts"), all.toByteArray());
        Ffmpeg.Probe probe = Ffmpeg7.probe(ts.toString(), 30);
        assertEquals("hevc", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("360", probe.get("video", "height"));
        assertEquals(FPS + "/1", probe.get("video", "r_frame_rate"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        Ffmpeg.FfmpegProcess decoder = Ffmpeg7.decode(ts.toString(), 60);
        assertEquals(0, decoder.await(60), decoder.output());
        long[] decoded = decoder.decodedFramesPerStream();
        assertEquals(segmentsMs * FPS / 1000.0, (double)decoded[0], 2, "every picture in the segments decodes");
        assertTrue(decoded[1] > segmentsMs * 40 / 1000, "and the audio: " + decoded[1]);
    }

    @Test
    void shouldLeaveAv1OutAndCarryTheAudioAlone() {
        HlsStreams streams = streams();
        HlsSegmenter segmenter = streams.open(PATH);
        List<FlvTestFile.Frame> av1 = frames.stream().map(f -> f.codec() != Codec.HEVC ? f
                : new FlvTestFile.Frame(Codec.AV1, f.keyframe(), f.sequenceHeader(), f.timestampMs(), 0, f.body(),
                        f.headerLength(), null)).toList();
        feed(segmenter, av1);
        HlsStream stream = streams.find(PATH);
        assertTrue(stream.stats().framesIgnored() >= 7 * FPS, "every AV1 frame ignored");
        assertFalse(stream.window().segments().isEmpty(), "audio-only segments");
        TsAnalyzer.Segment segment = new TsAnalyzer().analyze(stream.window().segments().get(0).bytes(), false);
        assertNull(segment.streams().get(PsiWriter.VIDEO_PID), "no video in the PMT");
        assertEquals(PsiWriter.STREAM_TYPE_AAC_ADTS, segment.streams().get(PsiWriter.AUDIO_PID));
    }
}
