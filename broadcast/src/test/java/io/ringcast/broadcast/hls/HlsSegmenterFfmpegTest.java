package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.avc.AnnexB;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.track.Codec;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Feeds the segmenter real frames (an FLV made by ffmpeg: H.264 with B-frames, 2 s GOP, AAC 44.1 kHz stereo),
 * checks the segments structurally and has ffprobe/ffmpeg read and decode them.
 */
@Timeout(120)
class HlsSegmenterFfmpegTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    private static final long GOP_MS = 2_000;
    private static final long NANOS_PER_MS = 1_000_000;

    @TempDir
    static Path sources;
    private static List<FlvTestFile.Frame> both;
    private static List<FlvTestFile.Frame> videoOnly;
    private static List<FlvTestFile.Frame> audioOnly;

    @TempDir
    Path work;
    private final AtomicLong nowNs = new AtomicLong();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[1 << 20]);

    @BeforeAll
    static void makeSources() throws Exception {
        Ffmpeg.assumeInstalled();
        FlvTestFile.Sources generated = FlvTestFile.Sources.generate(sources);
        both = generated.both();
        videoOnly = generated.videoOnly();
        audioOnly = generated.audioOnly();
    }

    private HlsStreams streams(HlsConfig config) {
        return new HlsStreams(config, nowNs::get, Runnable::run);
    }

    /** Feeds frames with ingest time = timestamp and the clock standing at each frame's ingest time. */
    private void feed(HlsSegmenter segmenter, List<FlvTestFile.Frame> frames, long offsetMs) {
        for (FlvTestFile.Frame f : frames) {
            long ingest = (f.timestampMs() + offsetMs) * NANOS_PER_MS;
            nowNs.set(ingest);
            FlvTestFile.feedOne(segmenter, f, offsetMs, payload, ingest);
        }
    }

    private static Path concat(Path dir, List<HlsSegment> segments) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (HlsSegment s : segments) {
            all.write(s.bytes());
        }
        return Files.write(dir.resolve("all.ts"), all.toByteArray());
    }

    /**
     * Decodes every stream to the null muxer. The encoder time base stays 90 kHz: with ffmpeg's default (1/30 s)
     * frame times that start half a frame after the audio round onto each other and the null muxer complains
     * about its own rounding, which says nothing about the segment.
     */
    private static void assertDecodesWithoutErrors(Path file) throws Exception {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                "-i", file.toString(), "-enc_time_base", "1:90000", "-f", "null", "-"), "decode");
        assertEquals(0, p.await(60), p.output());
        assertEquals("", p.output().trim(), "ffmpeg decode errors");
    }

    /** Checks every segment of a window: structure, tracks, first PES, durations; returns the analyses. */
    private static List<TsAnalyzer.Segment> checkStructure(HlsWindow window, boolean video, boolean audio) {
        TsAnalyzer analyzer = new TsAnalyzer();
        List<TsAnalyzer.Segment> result = new java.util.ArrayList<>();
        for (HlsSegment s : window.segments()) {
            TsAnalyzer.Segment seg = analyzer.analyze(s.bytes(), s.discontinuity());
            result.add(seg);
            assertEquals((video ? 1 : 0) + (audio ? 1 : 0), seg.streams().size(), "PMT of " + s);
            if (video) {
                assertEquals(PsiWriter.STREAM_TYPE_H264, seg.streams().get(PsiWriter.VIDEO_PID));
                assertEquals(PsiWriter.VIDEO_PID, seg.pcrPid());
                TsAnalyzer.Pes first = seg.pes().get(0);
                assertEquals(PsiWriter.VIDEO_PID, first.pid(), "segment " + s.sequence() + " starts with video");
                List<Integer> nals = TsAnalyzer.nalTypes(first.es());
                assertEquals(List.of(AnnexB.NAL_AUD, AnnexB.NAL_SPS, AnnexB.NAL_PPS), nals.subList(0, 3),
                        "segment " + s.sequence() + " NALs " + nals);
                assertTrue(nals.contains(AnnexB.NAL_IDR), "IDR in the first access unit: " + nals);
                assertTrue(first.randomAccess(), "random_access_indicator on the keyframe");
                for (TsAnalyzer.Pes pes : seg.of(PsiWriter.VIDEO_PID)) {
                    assertTrue(pes.pcrBase() >= 0 && pes.pcrBase() < pes.dts(), "PCR before DTS on every video PES");
                    assertEquals(AnnexB.NAL_AUD, TsAnalyzer.nalTypes(pes.es()).get(0), "AUD first");
                    assertTrue(pes.hasDts());
                }
            } else {
                assertEquals(PsiWriter.AUDIO_PID, seg.pcrPid());
                assertTrue(seg.pes().get(0).pcrBase() >= 0);
            }
            if (audio) {
                assertEquals(PsiWriter.STREAM_TYPE_AAC_ADTS, seg.streams().get(PsiWriter.AUDIO_PID));
                for (TsAnalyzer.Pes pes : seg.of(PsiWriter.AUDIO_PID)) {
                    assertFalse(pes.hasDts());
                    for (int[] adts : TsAnalyzer.adtsFrames(pes.es())) {
                        assertEquals(4, adts[0], "sampling_frequency_index of 44.1 kHz");
                        assertEquals(2, adts[1], "channel_configuration stereo");
                    }
                }
            }
            assertTrue(seg.stuffedPackets() > 0, "last packets of PES are stuffed in adaptation fields");
        }
        return result;
    }

    @Test
    void shouldCutRealH264AndAacIntoSegmentsThatFfprobeAndFfmpegReadAndDecode() throws Exception {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, both, 0);

        HlsWindow window = streams.find(PATH).window();
        assertEquals(List.of(0L, 1L, 2L), window.segments().stream().map(HlsSegment::sequence).toList());
        for (HlsSegment s : window.segments()) {
            assertTrue(s.durationMs() >= 2_000 && s.durationMs() <= 2_000 + GOP_MS, s.toString());
        }
        List<TsAnalyzer.Segment> analysed = checkStructure(window, true, true);
        long videoFramesBeforeLastCut = both.stream().filter(f -> f.codec() == Codec.AVC && !f.sequenceHeader()
                && f.timestampMs() < 6_000).count();
        assertEquals(videoFramesBeforeLastCut, analysed.stream().mapToLong(a -> a.of(PsiWriter.VIDEO_PID).size())
                .sum(), "one video PES per frame");
        assertTrue(analysed.stream().flatMap(a -> a.of(PsiWriter.VIDEO_PID).stream())
                .anyMatch(p -> p.pts() > p.dts()), "B-frames keep PTS > DTS");

        Path all = concat(work, window.segments());
        Ffmpeg.Probe probe = Ffmpeg.probe(all.toString(), 30);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("360", probe.get("video", "height"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertEquals("44100", probe.get("audio", "sample_rate"));
        assertEquals("2", probe.get("audio", "channels"));
        assertDecodesWithoutErrors(all);
        for (HlsSegment s : window.segments()) {
            Path file = Files.write(work.resolve(s.sequence() + ".ts"), s.bytes());
            Ffmpeg.Probe one = Ffmpeg.probe(file.toString(), 30);
            assertEquals("h264", one.get("video", "codec_name"), "segment " + s.sequence() + ": " + one.output());
            assertEquals("aac", one.get("audio", "codec_name"), "segment " + s.sequence());
            assertDecodesWithoutErrors(file);
        }
    }

    @Test
    void shouldRecordAvailabilityLatencyFromTheFirstFramesIngestToPublication() {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, both, 0);
        HlsStream stream = streams.find(PATH);
        List<HlsSegment> segments = stream.window().segments();
        for (HlsSegment s : segments) {
            // The clock stands at the ingest time of the keyframe that closes the segment.
            assertEquals(s.durationMs() * NANOS_PER_MS, s.availabilityLatencyNs(), s.toString());
        }
        assertEquals(segments.get(2).availabilityLatencyNs(), stream.stats().lastAvailabilityLatencyNs());
        assertEquals(3, stream.stats().segmentsPublished());
        assertEquals(3, stream.stats().availability().sampleInterval().getTotalCount());
        assertEquals(0, stream.stats().framesIgnored());
        assertEquals(0, stream.stats().framesMalformed());
    }

    @Test
    void shouldFlagTheSegmentAfterADiscontinuityAndKeepSequenceNumbersGoing() throws Exception {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, both, 0);
        segmenter.onDiscontinuity();
        feed(segmenter, both, 8_000);

        HlsWindow window = streams.find(PATH).window();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), window.segments().stream().map(HlsSegment::sequence).toList());
        assertEquals(List.of(false, false, false, true, false, false),
                window.segments().stream().map(HlsSegment::discontinuity).toList());
        String playlist = window.playlistText();
        assertTrue(playlist.contains("#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n"), playlist);
        assertTrue(playlist.contains("#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nx/4.ts\n"), playlist);
        checkStructure(window, true, true);
        Ffmpeg.Probe probe = Ffmpeg.probe(concat(work, window.segments()).toString(), 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
    }

    @Test
    void shouldSegmentAnAudioOnlyStreamWithAPmtListingOnlyAudio() throws Exception {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, audioOnly, 0);
        HlsWindow window = streams.find(PATH).window();
        // The first target duration of audio waits for a video sequence header that never comes: one segment
        // fewer than the file's audio would give from its first frame.
        assertEquals(1, window.segments().size(), window.playlistText());
        for (HlsSegment s : window.segments()) {
            assertTrue(s.durationMs() >= 2_000 && s.durationMs() < 2_100, s.toString());
        }
        checkStructure(window, false, true);
        Path all = concat(work, window.segments());
        Ffmpeg.Probe probe = Ffmpeg.probe(all.toString(), 30);
        assertEquals("aac", probe.get("audio", "codec_name"), probe.output());
        assertEquals("44100", probe.get("audio", "sample_rate"));
        assertNull(probe.get("video", "codec_name"));
        assertDecodesWithoutErrors(all);
    }

    @Test
    void shouldStartWithVideoWhenAudioArrivesBeforeTheVideosSequenceHeader() throws Exception {
        // An upstream without a GOP cache (nginx-rtmp) sends audio first; the video's header and keyframe follow.
        List<FlvTestFile.Frame> audioFirst = new java.util.ArrayList<>(both.stream()
                .filter(f -> f.codec() == Codec.AAC && f.timestampMs() <= 300).toList());
        both.stream().filter(f -> !audioFirst.contains(f)).forEach(audioFirst::add);
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, audioFirst, 0);

        HlsWindow window = streams.find(PATH).window();
        assertTrue(window.segments().size() >= 2, window.playlistText());
        assertTrue(window.segments().stream().noneMatch(HlsSegment::discontinuity), window.playlistText());
        checkStructure(window, true, true);
    }

    @Test
    void shouldSegmentAVideoOnlyStreamWithAPmtListingOnlyVideo() throws Exception {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, videoOnly, 0);
        HlsWindow window = streams.find(PATH).window();
        assertEquals(2, window.segments().size(), window.playlistText());
        checkStructure(window, true, false);
        Path all = concat(work, window.segments());
        Ffmpeg.Probe probe = Ffmpeg.probe(all.toString(), 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertNull(probe.get("audio", "codec_name"));
        assertDecodesWithoutErrors(all);
    }

    @Test
    void shouldMirrorTheWindowToDiskAndDeleteSegmentsThatLeaveIt() throws Exception {
        Path root = work.resolve("hls");
        HlsStreams streams = streams(HlsConfig.defaults().withWindowSegments(3).withDirectory(root));
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, both, 0);
        segmenter.onDiscontinuity();
        feed(segmenter, both, 8_000);
        HlsWindow window = streams.find(PATH).window();
        Path dir = root.resolve("live").resolve("x");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("4.ts", "5.ts", "6.ts"), files.map(p -> p.getFileName().toString()).sorted()
                    .toList());
        }
        assertArrayEquals(window.segment(6).bytes(), Files.readAllBytes(dir.resolve("6.ts")));
        assertEquals(window.playlistText(), Files.readString(root.resolve("live").resolve("x.m3u8")));

        streams.close(segmenter);
        assertNull(streams.find(PATH));
        assertFalse(Files.exists(dir), "stream directory removed on close");
        assertFalse(Files.exists(root.resolve("live").resolve("x.m3u8")));
    }

    @Test
    void shouldKeepPublishingInMemoryWhenTheDiskMirrorFails() throws Exception {
        Path root = work.resolve("hls");
        Files.createDirectories(root);
        Files.writeString(root.resolve("live"), "a file where the app directory should be");
        HlsStreams streams = streams(HlsConfig.defaults().withDirectory(root));
        HlsSegmenter segmenter = streams.open(PATH);
        feed(segmenter, both, 0);
        assertEquals(3, streams.find(PATH).window().segments().size());
    }

    @Test
    void shouldIgnoreFramesOfCodecsHlsDoesNotCarry() {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        segmenter.onFrame(Codec.AV1, true, false, 0, 0, 0, payload, 0, 10, 5, null);
        segmenter.onFrame(Codec.MP3, false, false, 0, 0, 0, payload, 0, 10, 1, null);
        assertEquals(2, streams.find(PATH).stats().framesIgnored());
        assertTrue(streams.find(PATH).window().isEmpty());
        assertEquals(Optional.empty(), HlsConfig.defaults().directory());
    }

    @Test
    void shouldMuxWithTheFactsTheFormatCarriesWithoutParsingTheSequenceHeaderAgain() {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        List<FlvTestFile.Frame> garbled = both.stream().map(f -> f.sequenceHeader() ? garbleBody(f) : f).toList();

        feed(segmenter, garbled, 0);

        assertEquals(0, streams.find(PATH).stats().framesMalformed(), "the format's parsed records were used");
        assertEquals(3, streams.find(PATH).window().segments().size());
    }

    @Test
    void shouldCountATrackMalformedWhenItsSequenceHeaderCarriesNoParsedRecord() {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        FlvTestFile.Frame avcHeader = both.stream().filter(f -> f.sequenceHeader() && f.codec() == Codec.AVC)
                .findFirst().orElseThrow();
        payload.putBytes(0, avcHeader.body());

        segmenter.onFrame(Codec.AVC, false, true, 0, 0, 0, payload, 0, avcHeader.body().length,
                avcHeader.headerLength(), null);

        assertEquals(1, streams.find(PATH).stats().framesMalformed(), "a valid record in the bytes is not parsed");
    }

    /** The same frame and format, its bytes after the codec framing overwritten (the record there is garbage). */
    private static FlvTestFile.Frame garbleBody(FlvTestFile.Frame f) {
        byte[] body = f.body().clone();
        java.util.Arrays.fill(body, f.headerLength(), body.length, (byte) 0xEE);
        return new FlvTestFile.Frame(f.codec(), f.keyframe(), true, f.timestampMs(), f.compositionTimeMs(), body,
                f.headerLength(), f.format());
    }

    @Test
    void shouldWaitForTheFirstKeyframeBeforeStartingASegment() {
        HlsStreams streams = streams(HlsConfig.defaults());
        HlsSegmenter segmenter = streams.open(PATH);
        List<FlvTestFile.Frame> headers = both.stream().filter(FlvTestFile.Frame::sequenceHeader).toList();
        feed(segmenter, headers, 0);
        FlvTestFile.Frame delta = both.stream().filter(f -> f.codec() == Codec.AVC && !f.keyframe()
                && !f.sequenceHeader()).findFirst().orElseThrow();
        FlvTestFile.feedOne(segmenter, delta, 0, payload, 0);
        assertEquals(0, segmenter.openSegmentLength());
        assertEquals(1, streams.find(PATH).stats().framesDropped());
    }

    @Test
    @SuppressWarnings("ReferenceEquality") // a window is published as a new object: identity says "a new one"
    void shouldLetReadersSeeOnlyConsistentWindowsWhileTheSegmenterPublishes() throws Exception {
        HlsStreams streams = streams(HlsConfig.defaults().withWindowSegments(3));
        HlsSegmenter segmenter = streams.open(PATH);
        HlsStream stream = streams.find(PATH);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong windowsSeen = new java.util.concurrent.atomic.AtomicLong();
        java.util.Map<Long, Integer> hashes = new java.util.HashMap<>();
        java.util.concurrent.CountDownLatch readerStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<Void> reader = java.util.concurrent.CompletableFuture.runAsync(() -> {
            readerStarted.countDown();
            HlsWindow previous = null;
            boolean last = false;
            while (!last) {
                // One more look after the writer finished, so the final window is always checked.
                last = done.get();
                HlsWindow w = stream.window();
                if (w != previous && !w.isEmpty()) {
                    windowsSeen.incrementAndGet();
                    String text = w.playlistText();
                    assertTrue(text.contains("#EXT-X-MEDIA-SEQUENCE:" + w.firstSequence() + "\n"), text);
                    for (int i = 0; i < w.segments().size(); i++) {
                        HlsSegment s = w.segments().get(i);
                        assertEquals(w.firstSequence() + i, s.sequence(), "consecutive");
                        assertSame(s, w.segment(s.sequence()));
                        int hash = java.util.Arrays.hashCode(s.bytes());
                        assertEquals(hash, hashes.computeIfAbsent(s.sequence(), k -> hash), "bytes never change");
                    }
                    previous = w;
                }
            }
        });
        assertTrue(readerStarted.await(10, TimeUnit.SECONDS), "reader thread started");
        for (int pass = 0; pass < 4; pass++) {
            feed(segmenter, both, pass * 7_000L);
        }
        done.set(true);
        reader.get(30, TimeUnit.SECONDS);
        assertTrue(windowsSeen.get() >= 1, "the reader saw windows");
        assertEquals(3, stream.window().segments().size());
    }

    @Test
    void shouldRejectConfigurationsThatCannotWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HlsConfig.defaults().withWindowSegments(2));
        assertTrue(e.getMessage().contains("windowSegments"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HlsConfig.defaults().withTargetDurationMs(0));
        assertTrue(e.getMessage().contains("targetDurationMs"), e.getMessage());
        assertTrue(TimeUnit.SECONDS.toMillis(1) > 0);
    }
}
