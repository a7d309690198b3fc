package io.ringcast.broadcast.llhls;

import io.ringcast.broadcast.media.mp4.Mp4Boxes;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LL-HLS segmenter on synthetic frames fed on the test thread (30 fps video with a 1 s GOP, AAC frames every
 * 1024 samples at 44.1 kHz): segments at keyframes, parts within the part target, the playlist's tags, the preload
 * hint, parts streamed while written and blocking-reload waiters run when, and only when, their part completes.
 */
@Timeout(20)
class LlHlsSegmenterTest {
    private static final StreamPath PATH = StreamPath.parse("live/x");
    /** FLV framing (keyframe, AVC sequence header, CTS 0) + an AVCDecoderConfigurationRecord with one SPS/PPS. */
    private static final byte[] AVC_HEADER = {0x17, 0, 0, 0, 0, 1, 0x42, (byte) 0xC0, 0x1E, (byte) 0xFF, (byte) 0xE1,
        0, 0x0A, 0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xDA, 0x02, (byte) 0x80, (byte) 0xBF, (byte) 0xE5,
        (byte) 0x84, 1, 0, 4, 0x68, (byte) 0xCE, 0x0F, (byte) 0xC8};
    private static final byte[] AAC_HEADER = {(byte) 0xAF, 0, 0x12, 0x10};
    private static final int FPS = 30;
    private static final int GOP_FRAMES = 30;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[4096]);
    private final LlHlsConfig config = LlHlsConfig.defaults().withTargetDurationMs(1_000);
    private final LlHlsStreams streams = new LlHlsStreams(config, () -> 100);
    private int videoFrame;
    private int audioFrame;

    private LlHlsSegmenter start(boolean video, boolean audio) {
        LlHlsSegmenter s = streams.open(PATH);
        if (video) {
            frame(s, Codec.AVC, false, true, 0, AVC_HEADER, 5,
                    new TrackFormat(Codec.AVC, AVC_HEADER, 5, 640, 360, 0, 0));
        }
        if (audio) {
            frame(s, Codec.AAC, false, true, 0, AAC_HEADER, 2, new TrackFormat(Codec.AAC, AAC_HEADER, 2, 0, 0, 0, 0));
        }
        return s;
    }

    private void frame(LlHlsSegmenter s, Codec codec, boolean key, boolean header, long ms, byte[] body,
                       int headerLength, TrackFormat format) {
        payload.putBytes(0, body);
        s.onFrame(codec, key, header, ms, 0, payload, 0, body.length, headerLength, format);
    }

    /** Feeds video and audio in timestamp order up to {@code untilMs} (exclusive). */
    private void feedUntil(LlHlsSegmenter s, long untilMs, boolean video, boolean audio) {
        while (true) {
            long v = video ? videoFrame * 1_000L / FPS : Long.MAX_VALUE;
            long a = audio ? audioFrame * 1_024L * 1_000 / 44_100 : Long.MAX_VALUE;
            long next = Math.min(v, a);
            if (next >= untilMs) {
                return;
            }
            if (v <= a) {
                boolean key = videoFrame % GOP_FRAMES == 0;
                byte[] body = {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 0, 0, 0, 2, (byte) (key ? 0x65 : 0x41),
                    (byte) videoFrame};
                frame(s, Codec.AVC, key, false, v, body, 5, null);
                videoFrame++;
            } else {
                byte[] body = {(byte) 0xAF, 1, 0x21, (byte) audioFrame};
                frame(s, Codec.AAC, false, false, a, body, 2, null);
                audioFrame++;
            }
        }
    }

    @Test
    void shouldCutSegmentsAtKeyframesAndPartsWithinThePartTarget() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 3_500, true, true);

        LlWindow w = streams.find(PATH).window();
        assertEquals(List.of(100L, 101L, 102L), w.segments().stream().map(LlSegment::sequence).toList());
        for (LlSegment segment : w.segments()) {
            assertEquals(1_000, segment.durationMs(), segment.toString());
            long sum = 0;
            for (LlPart p : segment.parts()) {
                assertTrue(p.isComplete());
                assertTrue(p.durationMs() > 0 && p.durationMs() <= config.partDurationMs(), p.toString());
                sum += p.durationMs();
            }
            assertEquals(segment.durationMs(), sum, "parts cover the segment");
            assertTrue(segment.parts().get(0).independent(), "a segment starts with an independent part");
            assertArrayEquals(concat(segment.parts()), segment.bytes(), "a segment is its parts");
        }
        assertEquals(103, w.openSequence());
        assertNotNull(w.hint());
        assertEquals(w.openParts().size(), w.hint().index(), "the hint is the part after the last complete one");
    }

    @Test
    void shouldWriteEveryPartAsMoofMdatChunksWithTheTracksOfTheInit() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 1_500, true, true);

        LlWindow w = streams.find(PATH).window();
        byte[] init = w.init(0);
        assertNotNull(init);
        assertEquals(2, Mp4Boxes.find(init, "moov/trak").size(), "video and audio");
        for (LlPart p : w.segments().get(0).parts()) {
            byte[] bytes = java.util.Arrays.copyOf(p.bytes(), p.length());
            List<Mp4Boxes.Box> boxes = Mp4Boxes.top(bytes);
            assertFalse(boxes.isEmpty());
            for (int i = 0; i < boxes.size(); i += 2) {
                assertEquals("moof", boxes.get(i).type(), p + " box " + i);
                assertEquals("mdat", boxes.get(i + 1).type(), p + " box " + (i + 1));
            }
        }
        LlPart firstPart = w.segments().get(0).parts().get(0);
        byte[] first = java.util.Arrays.copyOf(firstPart.bytes(), firstPart.length());
        assertEquals(0, Mp4Boxes.u64(first, Mp4Boxes.find(first, "moof/traf/tfdt").get(0).payload() + 4),
                "the first video decode time is the first frame's");
    }

    @Test
    void shouldRenderTheLowLatencyPlaylistTags() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 2_100, true, true);

        String text = streams.find(PATH).window().playlistText();
        assertTrue(text.startsWith("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n"), text);
        assertTrue(text.contains("#EXT-X-PART-INF:PART-TARGET=0.200\n"), text);
        assertTrue(text.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.600\n"), text);
        assertTrue(text.contains("#EXT-X-MEDIA-SEQUENCE:100\n#EXT-X-MAP:URI=\"x/init0.mp4\"\n"), text);
        assertTrue(text.contains("#EXT-X-PART:DURATION=0.200,URI=\"x/100.0.m4s\",INDEPENDENT=YES\n"), text);
        assertTrue(text.contains("#EXTINF:1.000,\nx/100.m4s\n"), text);
        assertTrue(text.contains("#EXTINF:1.000,\nx/101.m4s\n"), text);
        assertTrue(text.endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"x/102.0.m4s\"\n"), text);
    }

    @Test
    void shouldRunABlockingReloadWaiterWhenItsPartCompletesAndNotBefore() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 1_050, true, true);
        LlHlsStream stream = streams.find(PATH);
        LlWindow w = stream.window();
        LlPart last = w.lastPart();
        AtomicInteger runs = new AtomicInteger();
        stream.await(last.sequence(), last.index() + 1, runs::incrementAndGet);
        assertEquals(1, stream.waiting());

        long partEndMs = 1_000 + config.partDurationMs();
        feedUntil(s, partEndMs - 1, true, true);
        assertEquals(0, runs.get(), "the part is still open");
        assertEquals(1, stream.waiting());

        feedUntil(s, partEndMs + 1, true, true);
        assertEquals(1, runs.get(), "ran when the part completed");
        assertEquals(0, stream.waiting());
        assertTrue(stream.window().hasPart(last.sequence(), last.index() + 1));
        AtomicInteger old = new AtomicInteger();
        stream.await(last.sequence(), last.index(), old::incrementAndGet);
        assertEquals(1, old.get(), "a part already there answers at once");
    }

    @Test
    void shouldTreatAPartPastTheEndOfASegmentAsTheNextSegmentsFirst() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 990, true, true);
        LlHlsStream stream = streams.find(PATH);
        long seq = stream.window().openSequence();
        AtomicInteger runs = new AtomicInteger();
        // hls.js asks for the part after the last one it saw, of the same segment.
        stream.await(seq, 5, runs::incrementAndGet);

        feedUntil(s, 1_001, true, true);
        assertEquals(0, runs.get(), "the segment closed with part 4; part 0 of the next is still open");
        feedUntil(s, 1_201, true, true);
        assertEquals(1, runs.get());
    }

    @Test
    void shouldStreamThePreloadHintedPartAsItGrows() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 1_010, true, true);
        LlPart hint = streams.find(PATH).window().hint();
        int before = hint.length();
        AtomicInteger runs = new AtomicInteger();
        hint.onMoreBytes(before, runs::incrementAndGet);

        feedUntil(s, 1_050, true, true);

        assertEquals(1, runs.get(), "woken by the next chunk");
        assertTrue(hint.length() > before);
        assertFalse(hint.isComplete());
        feedUntil(s, 1_250, true, true);
        assertTrue(hint.isComplete());
    }

    @Test
    void shouldReleaseWaitersAndAbandonTheOpenPartWhenTheStreamEnds() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 1_100, true, true);
        LlHlsStream stream = streams.find(PATH);
        LlPart hint = stream.window().hint();
        AtomicInteger runs = new AtomicInteger();
        stream.await(stream.window().openSequence() + 1, 0, runs::incrementAndGet);

        streams.close(s);

        assertEquals(1, runs.get());
        assertTrue(hint.isAbandoned());
        assertNull(streams.find(PATH));
    }

    @Test
    void shouldCutAudioOnlyStreamsOnAudioFrames() {
        LlHlsSegmenter s = start(false, true);
        feedUntil(s, 4_500, false, true);

        LlWindow w = streams.find(PATH).window();
        assertTrue(w.segments().size() >= 2, w.segments().toString());
        byte[] init = w.init(w.segments().get(0).initGeneration());
        assertEquals(1, Mp4Boxes.find(init, "moov/trak").size(), "audio only");
        for (LlSegment segment : w.segments()) {
            for (LlPart p : segment.parts()) {
                assertTrue(p.durationMs() <= config.partDurationMs(), p.toString());
                assertTrue(p.independent(), "audio parts are independent");
            }
        }
    }

    @Test
    void shouldWriteAVideoOnlyInitForAStreamWithoutAudio() {
        LlHlsSegmenter s = start(true, false);
        feedUntil(s, 2_100, true, false);

        LlWindow w = streams.find(PATH).window();
        assertEquals(2, w.segments().size());
        assertEquals(1, Mp4Boxes.find(w.init(0), "moov/trak").size());
        assertEquals("vide", Mp4Boxes.fourCc(w.init(0), Mp4Boxes.one(w.init(0), "moov/trak/mdia/hdlr").payload() + 8));
    }

    @Test
    void shouldStartANewInitGenerationBehindADiscontinuity() {
        LlHlsSegmenter s = start(true, true);
        feedUntil(s, 2_100, true, true);
        s.onDiscontinuity();
        byte[] otherAudio = {(byte) 0xAF, 0, 0x11, (byte) 0x90};
        frame(s, Codec.AVC, false, true, 0, AVC_HEADER, 5, new TrackFormat(Codec.AVC, AVC_HEADER, 5, 640, 360, 0, 0));
        frame(s, Codec.AAC, false, true, 0, otherAudio, 2, new TrackFormat(Codec.AAC, otherAudio, 2, 0, 0, 0, 0));
        videoFrame = 0;
        audioFrame = 0;
        feedUntil(s, 1_100, true, true);

        String text = streams.find(PATH).window().playlistText();
        assertTrue(text.contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"x/init1.mp4\"\n"), text);
        assertNotNull(streams.find(PATH).window().init(1));
    }

    private static byte[] concat(List<LlPart> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LlPart p : parts) {
            out.write(p.bytes(), 0, p.length());
        }
        return out.toByteArray();
    }
}
