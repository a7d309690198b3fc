package io.ringcast.broadcast.media.flv;

import static io.ringcast.broadcast.media.flv.FlvTag.TYPE_AUDIO;
import static io.ringcast.broadcast.media.flv.FlvTag.TYPE_VIDEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.avc.SpsInfo;
import io.ringcast.broadcast.media.avc.SpsParser;
import io.ringcast.broadcast.media.flv.FlvFile.Tag;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FlvTagParsingTest {
    private static final String SMALL = "h264-640x360-30fps-aac-44100-stereo.flv";
    private static final String FULL_HD = "h264-1920x1080-25fps-one-frame.flv";
    private static final String CQM_444 = "h264-444-cqm-642x362-24fps-one-frame.flv";
    private static final String HIGH_422 = "h264-422-320x240-25fps-one-frame.flv";

    private final VideoTagHeader video = new VideoTagHeader();
    private final AudioTagHeader audio = new AudioTagHeader();
    private AvcDecoderConfigurationRecord avcConfig;
    private final SpsParser spsParser = new SpsParser();

    @Test
    void shouldParseAvcSequenceHeaderTagFromFfmpeg() throws IOException {
        final byte[] body = FlvFile.first(FlvFile.read(SMALL), TYPE_VIDEO).body();

        video.wrap(new UnsafeBuffer(body), 0, body.length);

        assertEquals(VideoTagHeader.FRAME_TYPE_KEY, video.frameType());
        assertEquals(VideoTagHeader.CODEC_ID_AVC, video.codecId());
        assertEquals(VideoTagHeader.AVC_SEQUENCE_HEADER, video.packetType());
        assertEquals(0, video.compositionTimeOffsetMs());
        assertEquals(5, video.headerLength());
        assertTrue(video.isSequenceHeader());
        assertFalse(video.isExtended());
    }

    @Test
    void shouldParseKeyAndInterFrameNaluTagsWithCompositionTimeFromFfmpeg() throws IOException {
        final List<Tag> videoTags = FlvFile.read(SMALL).stream().filter(t -> t.type() == TYPE_VIDEO).toList();
        final byte[] idr = videoTags.get(1).body();

        video.wrap(new UnsafeBuffer(idr), 0, idr.length);
        assertTrue(video.isKeyFrame());
        assertEquals(VideoTagHeader.AVC_NALU, video.packetType());
        assertFalse(video.isSequenceHeader());

        int interFrames = 0;
        final List<Integer> compositionOffsets = new java.util.ArrayList<>();
        for (final Tag tag : videoTags.subList(1, videoTags.size() - 1)) {
            video.wrap(new UnsafeBuffer(tag.body()), 0, tag.body().length);
            interFrames += video.frameType() == VideoTagHeader.FRAME_TYPE_INTER ? 1 : 0;
            compositionOffsets.add(video.compositionTimeOffsetMs());
        }
        assertEquals(List.of(67, 133, 33, 34, 166, 67, 0, 33, 167, 67, 0, 33, 134, 33, 33), compositionOffsets,
            "pts - dts per packet, as ffprobe reports them");
        final byte[] last = videoTags.get(videoTags.size() - 1).body();
        video.wrap(new UnsafeBuffer(last), 0, last.length);
        assertTrue(video.isEndOfSequence(), "ffmpeg ends the file with an AVC end of sequence tag");
        assertTrue(interFrames > 5, "inter frames: " + interFrames);
    }

    @Test
    void shouldParseHandBuiltVideoHeaders() {
        wrapVideo("17 01 fffff6");
        assertEquals(-10, video.compositionTimeOffsetMs(), "SI24 is signed");
        wrapVideo("27 02 000000");
        assertTrue(video.isEndOfSequence());
        assertEquals(VideoTagHeader.FRAME_TYPE_INTER, video.frameType());
        wrapVideo("1c 00 000000");
        assertEquals(VideoTagHeader.CODEC_ID_HEVC, video.codecId());
        assertTrue(video.isSequenceHeader());
        wrapVideo("57 01");
        assertEquals(VideoTagHeader.FRAME_TYPE_INFO_COMMAND, video.frameType());
        assertEquals(1, video.headerLength());
        assertEquals(VideoTagHeader.NO_PACKET_TYPE, video.packetType());
        wrapVideo("22 abcdef");
        assertEquals(2, video.codecId());
        assertEquals(1, video.headerLength());
        assertFalse(video.isSequenceHeader());
    }

    @Test
    void shouldDetectEnhancedRtmpHeaderAsPassThrough() {
        wrapVideo("90 68766331 01");

        assertTrue(video.isExtended());
        assertEquals(VideoTagHeader.CODEC_ID_EXTENDED, video.codecId());
        assertEquals(0x68766331, video.fourCc(), "'hvc1'");
        assertTrue(video.isKeyFrame());
        assertTrue(video.isSequenceHeader());
        assertEquals(5, video.headerLength());
    }

    @Test
    void shouldRejectTruncatedVideoHeaders() {
        assertEquals("video tag truncated", assertThrows(MediaFormatException.class, () -> wrapVideo("")).reason());
        assertThrows(MediaFormatException.class, () -> wrapVideo("17 01 0000"));
        assertThrows(MediaFormatException.class, () -> wrapVideo("90 6876"));
    }

    @Test
    void shouldParseAacSequenceHeaderTagAndAudioSpecificConfigFromFfmpeg() throws IOException {
        final byte[] body = FlvFile.first(FlvFile.read(SMALL), TYPE_AUDIO).body();
        final UnsafeBuffer buffer = new UnsafeBuffer(body);

        audio.wrap(buffer, 0, body.length);
        final AudioSpecificConfig config =
            AudioSpecificConfig.parse(buffer, audio.headerLength(), body.length - audio.headerLength());

        assertEquals(AudioTagHeader.FORMAT_AAC, audio.soundFormat());
        assertEquals(3, audio.soundRate());
        assertEquals(44100, audio.soundRateHz());
        assertEquals(AudioTagHeader.SIZE_16_BIT, audio.soundSize());
        assertEquals(AudioTagHeader.TYPE_STEREO, audio.soundType());
        assertTrue(audio.isSequenceHeader());
        assertEquals(2, audio.headerLength());
        assertEquals(new AudioSpecificConfig(AudioSpecificConfig.AOT_AAC_LC, 4, 44100, 2, false), config);
    }

    @Test
    void shouldParseRawAacAndNonAacAudioHeaders() throws IOException {
        final List<Tag> audioTags = FlvFile.read(SMALL).stream().filter(t -> t.type() == TYPE_AUDIO).toList();
        audio.wrap(new UnsafeBuffer(audioTags.get(1).body()), 0, audioTags.get(1).body().length);
        assertEquals(AudioTagHeader.AAC_RAW, audio.packetType());

        wrapAudio("2e");
        assertEquals(AudioTagHeader.FORMAT_MP3, audio.soundFormat());
        assertEquals(3, audio.soundRate());
        assertEquals(AudioTagHeader.SIZE_16_BIT, audio.soundSize());
        assertEquals(AudioTagHeader.TYPE_MONO, audio.soundType());
        assertEquals(1, audio.headerLength());
        assertEquals(AudioTagHeader.NO_PACKET_TYPE, audio.packetType());
        wrapAudio("b6 ff");
        assertEquals(AudioTagHeader.FORMAT_SPEEX, audio.soundFormat());
        assertEquals(1, audio.soundRate());

        assertEquals("audio tag truncated", assertThrows(MediaFormatException.class, () -> wrapAudio("af")).reason());
        assertThrows(MediaFormatException.class, () -> wrapAudio(""));
    }

    @Test
    void shouldParseAvcConfigurationRecordAndSpsFrom640x360At30Fps() throws IOException {
        final SpsInfo sps = parseSequenceHeader(SMALL);

        assertEquals(100, avcConfig.profileIndication());
        assertEquals(30, avcConfig.levelIndication());
        assertEquals(4, avcConfig.nalUnitLengthSize());
        assertEquals(1, avcConfig.spsCount());
        assertEquals(1, avcConfig.ppsCount());
        assertEquals(new SpsInfo(100, 30, 1, 640, 360, 30.0), sps);
        assertTrue(sps.hasFrameRate());
    }

    @Test
    void shouldApplyFrameCroppingTo1080pCodedAs1088() throws IOException {
        assertEquals(new SpsInfo(100, 40, 1, 1920, 1080, 25.0), parseSequenceHeader(FULL_HD));
    }

    @Test
    void shouldSkipScalingListsAndCropIn444ChromaUnits() throws IOException {
        assertEquals(new SpsInfo(244, 30, 3, 642, 362, 24.0), parseSequenceHeader(CQM_444));
    }

    @Test
    void shouldCropIn422ChromaUnits() throws IOException {
        assertEquals(new SpsInfo(122, 13, 2, 320, 240, 25.0), parseSequenceHeader(HIGH_422));
    }

    @Test
    void shouldRejectEveryTruncationOfAvcConfigurationRecord() throws IOException {
        final byte[] body = FlvFile.first(FlvFile.read(SMALL), TYPE_VIDEO).body();
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        avcConfig = AvcDecoderConfigurationRecord.parse(buffer, 5, body.length - 5);
        final int end = 6 + 2 + avcConfig.sps(0).length + 1 + 2 + avcConfig.pps(0).length;

        for (int length = 0; length < end; length++) {
            final int truncated = length;
            assertThrows(MediaFormatException.class, () -> AvcDecoderConfigurationRecord.parse(buffer, 5, truncated),
                "length " + length);
        }
    }

    @Test
    void shouldRejectTruncatedSpsWithProtocolExceptionOnly() throws IOException {
        final byte[] body = FlvFile.first(FlvFile.read(FULL_HD), TYPE_VIDEO).body();
        avcConfig = AvcDecoderConfigurationRecord.parse(new UnsafeBuffer(body), 5, body.length - 5);
        final UnsafeBuffer sps = new UnsafeBuffer(avcConfig.sps(0));
        final int spsLength = avcConfig.sps(0).length;

        for (int length = 0; length < spsLength; length++) {
            try {
                final SpsInfo info = spsParser.parse(sps, 0, length);
                assertTrue(length > spsLength / 2, "parsed a short prefix of " + length + ": " + info);
            } catch (final MediaFormatException expected) {
                assertTrue(expected.reason().startsWith("sps"));
            }
        }
        final byte[] pps = avcConfig.pps(0);
        assertEquals("sps wrong nal unit type",
            assertThrows(MediaFormatException.class, () -> spsParser.parse(new UnsafeBuffer(pps), 0, pps.length))
                .reason());
    }

    @Test
    void shouldOnlyEverThrowProtocolExceptionOnGarbage() {
        final SplittableRandom random = new SplittableRandom(3);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            final byte[] garbage = new byte[random.nextInt(48)];
            random.nextBytes(garbage);
            final UnsafeBuffer buffer = new UnsafeBuffer(garbage);
            if (garbage.length > 0) {
                garbage[0] = (byte)(i % 2 == 0 ? 0x67 : 0x01);
            }
            rejected += rejects(() -> spsParser.parse(buffer, 0, garbage.length));
            rejected += rejects(() -> AvcDecoderConfigurationRecord.parse(buffer, 0, garbage.length));
            rejected += rejects(() -> AudioSpecificConfig.parse(buffer, 0, garbage.length));
            rejected += rejects(() -> video.wrap(buffer, 0, garbage.length));
            rejected += rejects(() -> audio.wrap(buffer, 0, garbage.length));
        }
        assertTrue(rejected > 20_000, "rejected " + rejected);
    }

    private static int rejects(final Runnable parse) {
        try {
            parse.run();
            return 0;
        } catch (final MediaFormatException expected) {
            return 1;
        }
    }

    private SpsInfo parseSequenceHeader(final String resource) throws IOException {
        final byte[] body = FlvFile.first(FlvFile.read(resource), TYPE_VIDEO).body();
        final UnsafeBuffer buffer = new UnsafeBuffer(body);
        video.wrap(buffer, 0, body.length);
        assertTrue(video.isSequenceHeader(), resource);
        avcConfig =
            AvcDecoderConfigurationRecord.parse(buffer, video.headerLength(), body.length - video.headerLength());
        return spsParser.parse(new UnsafeBuffer(avcConfig.sps(0)), 0, avcConfig.sps(0).length);
    }

    private void wrapVideo(final String hex) {
        final byte[] bytes = bytes(hex);
        video.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private void wrapAudio(final String hex) {
        final byte[] bytes = bytes(hex);
        audio.wrap(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static byte[] bytes(final String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
