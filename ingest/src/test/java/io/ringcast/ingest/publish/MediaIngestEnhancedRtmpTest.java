package io.ringcast.ingest.publish;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.media.flv.EnhancedSamples;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.command.PublishTarget;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Enhanced RTMP (ExVideoTagHeader) and legacy HEVC (codec id 12) ingest on the tag bodies ffmpeg 7.1 sends: codec,
 * size, keyframes, sequence headers, composition time and where the coded data starts, and packets that are dropped.
 */
@Timeout(10)
class MediaIngestEnhancedRtmpTest {
    private static final int VIDEO_CSID = 6;

    private final ManualClock clock = new ManualClock(0);
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock);
    private final MediaIngest ingest = new MediaIngest(registry, () -> PublishAuthorizer.OPEN, "test",
            StaleTakeover.NEVER, null, Clock.systemUTC());
    private TrackRing ring;

    private TrackRing publish() {
        assertEquals(PublishTarget.Result.STARTED, ingest.startPublish("live", "x", 1));
        ring = registry.find(StreamPath.parse("live/x")).track(TrackKind.VIDEO);
        return ring;
    }

    private void send(byte[] body, long timestampMs) {
        MessageHeader header = new MessageHeader().set(VIDEO_CSID, timestampMs, body.length, MessageTypeIds.VIDEO, 1);
        PayloadTarget target = new PayloadTarget();
        assertTrue(ingest.onMediaStart(header, target));
        target.buffer().putBytes(target.offset(), body);
        ingest.onMedia(header, target.buffer(), target.offset(), body.length);
    }

    private FrameEvent last() {
        return ring.slot(ring.cursor());
    }

    @Test
    void shouldTakeFfmpeg71sHevcSequenceStartAndFrames() {
        publish();
        send(EnhancedSamples.read("hvc1-sequence-start"), 0);
        send(EnhancedSamples.read("hvc1-metadata"), 0);
        send(EnhancedSamples.read("hvc1-key-frame"), 0);
        send(EnhancedSamples.read("hvc1-inter-frame-0"), 33);

        TrackFormat format = ring.format();
        assertEquals(Codec.HEVC, format.codec());
        assertEquals(320, format.width());
        assertEquals(180, format.height());
        assertNotNull(format.hevcConfig());
        byte[] sequenceStart = EnhancedSamples.read("hvc1-sequence-start");
        assertArrayEquals(Arrays.copyOfRange(sequenceStart, 5, sequenceStart.length), format.configurationRecord(),
                "the hvcC payload as the sequence start carries it");

        assertEquals(2, ring.cursor(), "sequence start, key frame, inter frame: the colorInfo metadata is dropped");
        assertEquals(1, ingest.messagesDropped());
        FrameEvent sequence = ring.slot(0);
        assertTrue(sequence.isSequenceHeader());
        assertSame(format, sequence.format());
        FrameEvent key = ring.slot(1);
        assertTrue(key.isKeyframe());
        assertFalse(key.isSequenceHeader());
        assertEquals(Codec.HEVC, key.codec());
        assertEquals(8, key.headerLength(), "CodedFrames: flags, FourCC, composition time");
        assertEquals(67, key.compositionTimeMs());
        FrameEvent inter = last();
        assertFalse(inter.isKeyframe());
        assertEquals(166, inter.compositionTimeMs());
        assertEquals(33, inter.timestampMs());
    }

    @Test
    void shouldTakeAv1AndVp9WithTheirSizeWhereTheRecordHasIt() {
        publish();
        send(EnhancedSamples.read("av01-sequence-start"), 0);
        send(EnhancedSamples.read("av01-key-frame"), 0);
        assertEquals(Codec.AV1, ring.format().codec());
        assertEquals(320, ring.format().width());
        assertEquals(180, ring.format().height());
        assertNotNull(ring.format().av1Config());
        assertTrue(last().isKeyframe());
        assertEquals(5, last().headerLength(), "AV1 CodedFrames carry no composition time");
        assertEquals("av1", ring.format().codec().displayName());

        send(EnhancedSamples.read("vp09-sequence-start"), 40);
        assertEquals(Codec.VP9, ring.format().codec());
        assertEquals(0, ring.format().width(), "a vpcC names no size");
        assertNotNull(ring.format().vp9Config());
    }

    @Test
    void shouldTakeLegacyHevcWithCodecId12() {
        publish();
        byte[] enhanced = EnhancedSamples.read("hvc1-sequence-start");
        byte[] legacy = new byte[enhanced.length];
        UnsafeBuffer buffer = new UnsafeBuffer(legacy);
        VideoTagHeader.writeLegacy(buffer, 0, VideoTagHeader.FRAME_TYPE_KEY, VideoTagHeader.CODEC_ID_HEVC,
                VideoTagHeader.AVC_SEQUENCE_HEADER, 0);
        buffer.putBytes(5, enhanced, 5, enhanced.length - 5);
        send(legacy, 0);

        byte[] key = EnhancedSamples.read("hvc1-key-frame");
        byte[] legacyKey = new byte[key.length - 3];
        UnsafeBuffer keyBuffer = new UnsafeBuffer(legacyKey);
        VideoTagHeader.writeLegacy(keyBuffer, 0, VideoTagHeader.FRAME_TYPE_KEY, VideoTagHeader.CODEC_ID_HEVC,
                VideoTagHeader.AVC_NALU, 67);
        keyBuffer.putBytes(5, key, 8, key.length - 8);
        send(legacyKey, 0);

        assertEquals(Codec.HEVC, ring.format().codec());
        assertEquals(320, ring.format().width());
        assertEquals(180, ring.format().height());
        assertTrue(ring.slot(0).isSequenceHeader());
        assertTrue(last().isKeyframe());
        assertEquals(5, last().headerLength());
        assertEquals(67, last().compositionTimeMs());
    }

    @Test
    void shouldDropCommandFramesAndPacketTypesItDoesNotTakeApart() {
        publish();
        send(EnhancedSamples.read("hvc1-sequence-start"), 0);
        send(new byte[] {(byte)0xD1, 0}, 0);
        send(new byte[] {(byte)0x96, 0, 'h', 'v', 'c', '1', 0, 0, 0}, 0);
        assertEquals(0, ring.cursor(), "only the sequence start");
        assertEquals(2, ingest.messagesDropped());
    }
}
