package io.ringcast.broadcast.media.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.MediaFormatException;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EnhancedVideoTagHeaderTest {
    private final VideoTagHeader video = new VideoTagHeader();

    private VideoTagHeader wrap(byte[] body) {
        return video.wrap(new UnsafeBuffer(body), 0, body.length);
    }

    @Test
    void shouldReadTheHevcSequenceStartOfFfmpeg71() {
        wrap(EnhancedSamples.read("hvc1-sequence-start"));
        assertTrue(video.isExtended());
        assertEquals(VideoTagHeader.CODEC_ID_EXTENDED, video.codecId());
        assertEquals(VideoTagHeader.FOURCC_HVC1, video.fourCc());
        assertEquals(VideoTagHeader.EX_PACKET_TYPE_SEQUENCE_START, video.packetType());
        assertEquals(VideoTagHeader.FRAME_TYPE_KEY, video.frameType());
        assertEquals(5, video.headerLength());
        assertTrue(video.isSequenceHeader());
        assertFalse(video.isCodedFrame());
    }

    @Test
    void shouldReadTheCompositionTimeOfHevcCodedFrames() {
        wrap(EnhancedSamples.read("hvc1-key-frame"));
        assertTrue(video.isKeyFrame());
        assertEquals(VideoTagHeader.EX_PACKET_TYPE_CODED_FRAMES, video.packetType());
        assertEquals(8, video.headerLength(), "flags, FourCC, SI24 composition time");
        assertEquals(67, video.compositionTimeOffsetMs());
        assertTrue(video.isCodedFrame());

        wrap(EnhancedSamples.read("hvc1-inter-frame-0"));
        assertFalse(video.isKeyFrame());
        assertEquals(VideoTagHeader.FRAME_TYPE_INTER, video.frameType());
        assertEquals(166, video.compositionTimeOffsetMs());
    }

    @Test
    void shouldReadAv1AndVp9CodedFramesWithoutCompositionTime() {
        for (String codec : new String[] {"av01", "vp09"}) {
            wrap(EnhancedSamples.read(codec + "-key-frame"));
            assertTrue(video.isKeyFrame(), codec);
            assertEquals(VideoTagHeader.EX_PACKET_TYPE_CODED_FRAMES, video.packetType(), codec);
            assertEquals(5, video.headerLength(), codec + ": CodedFrames carry a composition time only for avc1/hvc1");
            assertEquals(0, video.compositionTimeOffsetMs(), codec);
        }
        assertEquals(VideoTagHeader.FOURCC_VP09, video.fourCc());
    }

    @Test
    void shouldReadCodedFramesXWithoutCompositionTime() {
        byte[] body = {(byte)0xA3, 'h', 'v', 'c', '1', 0, 0, 0, 4, 2, 1};
        wrap(body);
        assertEquals(VideoTagHeader.EX_PACKET_TYPE_CODED_FRAMES_X, video.packetType());
        assertEquals(5, video.headerLength());
        assertEquals(0, video.compositionTimeOffsetMs());
        assertTrue(video.isCodedFrame());
    }

    @Test
    void shouldTellMetadataFromPictures() {
        wrap(EnhancedSamples.read("hvc1-metadata"));
        assertEquals(VideoTagHeader.FRAME_TYPE_INFO_COMMAND, video.frameType());
        assertTrue(video.isMetadata(), "ffmpeg 7.1 sends colorInfo as a command frame of packet type Metadata");
        assertEquals(VideoTagHeader.FOURCC_HVC1, video.fourCc());
        assertFalse(video.isCodedFrame());
        assertFalse(video.isSequenceHeader());
    }

    @Test
    void shouldReadACommandFrameAsFlagsAndOneCommandByte() {
        wrap(new byte[] {(byte)0xD1, 0});
        assertEquals(2, video.headerLength());
        assertEquals(0, video.fourCc());
        assertFalse(video.isCodedFrame());
        assertFalse(video.isSequenceHeader());
    }

    @Test
    void shouldFlagMultitrackAndModExAsUnsupported() {
        wrap(new byte[] {(byte)0x96, 0, 'h', 'v', 'c', '1'});
        assertFalse(video.isSupported());
        wrap(new byte[] {(byte)0x97, 0, 0});
        assertFalse(video.isSupported());
        wrap(EnhancedSamples.read("av01-sequence-start"));
        assertTrue(video.isSupported(), "wrap resets the flag");
    }

    @Test
    void shouldRefuseTruncatedEnhancedHeaders() {
        assertThrows(MediaFormatException.class, () -> wrap(new byte[] {(byte)0x90, 'h', 'v'}));
        assertThrows(MediaFormatException.class, () -> wrap(new byte[] {(byte)0x91, 'h', 'v', 'c', '1', 0}));
        assertThrows(MediaFormatException.class, () -> wrap(new byte[] {(byte)0xD1}));
    }

    @Test
    void shouldWriteEnhancedHeadersAsFfmpegDoes() {
        for (String name : new String[] {"hvc1-sequence-start", "hvc1-key-frame", "hvc1-inter-frame-1",
            "av01-key-frame", "vp09-inter-frame-0"}) {
            byte[] original = EnhancedSamples.read(name);
            wrap(original);
            UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
            int length = VideoTagHeader.writeEnhanced(out, 0, video.frameType(), video.packetType(), video.fourCc(),
                    video.compositionTimeOffsetMs());
            assertEquals(video.headerLength(), length, name);
            assertArrayEquals(Arrays.copyOf(original, length), Arrays.copyOf(out.byteArray(), length), name);
        }
    }

    @Test
    void shouldWriteAndReadLegacyHevcHeadersWithCodecId12() {
        UnsafeBuffer out = new UnsafeBuffer(new byte[5]);
        assertEquals(5, VideoTagHeader.writeLegacy(out, 0, VideoTagHeader.FRAME_TYPE_INTER,
                VideoTagHeader.CODEC_ID_HEVC, VideoTagHeader.AVC_NALU, -33));
        assertEquals(0x2C, out.getByte(0) & 0xFF);
        wrap(out.byteArray());
        assertFalse(video.isExtended());
        assertEquals(VideoTagHeader.CODEC_ID_HEVC, video.codecId());
        assertEquals(-33, video.compositionTimeOffsetMs());
        assertTrue(video.isCodedFrame());

        VideoTagHeader.writeLegacy(out, 0, VideoTagHeader.FRAME_TYPE_KEY, VideoTagHeader.CODEC_ID_HEVC,
                VideoTagHeader.AVC_SEQUENCE_HEADER, 0);
        wrap(out.byteArray());
        assertTrue(video.isSequenceHeader());
        assertTrue(video.isKeyFrame());
    }
}
