package io.ringcast.ingest.chunk;

import static io.ringcast.ingest.chunk.ChunkDecoderTest.concat;
import static io.ringcast.ingest.chunk.ChunkDecoderTest.hex;
import static io.ringcast.ingest.chunk.ChunkDecoderTest.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.ingest.RtmpProtocolException;
import java.util.Arrays;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChunkEncoderTest {
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ExpandableArrayBuffer dst = new ExpandableArrayBuffer();

    @Test
    void shouldWriteFmt0ChunkThenFmt3Continuations() {
        final byte[] payload = payload(200, 1);

        final int length = encoder.encode(dst, 0, 4, 0x10, MessageTypeIds.VIDEO, 1, new UnsafeBuffer(payload), 0, 200);

        assertArrayEquals(concat(hex("04 000010 0000c8 09 01000000"), Arrays.copyOfRange(payload, 0, 128),
            hex("c4"), Arrays.copyOfRange(payload, 128, 200)), written(length));
    }

    @Test
    void shouldRepeatExtendedTimestampOnEveryContinuationChunk() {
        final byte[] payload = payload(300, 2);

        final int length = encoder.encode(dst, 0, 6, 0x12345678L, MessageTypeIds.VIDEO, 1,
            new UnsafeBuffer(payload), 0, 300);

        assertArrayEquals(concat(hex("06 ffffff 00012c 09 01000000 12345678"), Arrays.copyOfRange(payload, 0, 128),
            hex("c6 12345678"), Arrays.copyOfRange(payload, 128, 256),
            hex("c6 12345678"), Arrays.copyOfRange(payload, 256, 300)), written(length));
    }

    @Test
    void shouldUseExtendedTimestampFromTheMarkerValueUp() {
        assertArrayEquals(hex("04 fffffe 000000 08 01000000"),
            written(encoder.encode(dst, 0, 4, 0xFFFFFEL, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
        assertArrayEquals(hex("04 ffffff 000000 08 01000000 00ffffff"),
            written(encoder.encode(dst, 0, 4, 0xFFFFFFL, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
    }

    @Test
    void shouldWriteTwoAndThreeByteBasicHeaders() {
        assertArrayEquals(hex("00 00 000000 000000 08 01000000"),
            written(encoder.encode(dst, 0, 64, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
        assertArrayEquals(hex("00 ff 000000 000000 08 01000000"),
            written(encoder.encode(dst, 0, 319, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
        assertArrayEquals(hex("01 00 01 000000 000000 08 01000000"),
            written(encoder.encode(dst, 0, 320, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
        assertArrayEquals(hex("01 ff ff 000000 000000 08 01000000"),
            written(encoder.encode(dst, 0, 65599, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0)));
    }

    @Test
    void shouldRefuseChunkStreamIdOutsideSpecRange() {
        assertThrows(IllegalArgumentException.class,
            () -> encoder.encode(dst, 0, 1, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0));
        assertThrows(IllegalArgumentException.class,
            () -> encoder.encode(dst, 0, 65600, 0, MessageTypeIds.AUDIO, 1, dst, 0, 0));
    }

    @Test
    void shouldWriteSetChunkSizeAndApplyItToLaterMessages() {
        assertArrayEquals(hex("02 000000 000004 01 00000000 00001000"),
            written(encoder.writeSetChunkSize(dst, 0, 4096)));
        assertEquals(4096, encoder.chunkSizeBytes());
        assertEquals(12 + 4000,
            encoder.encode(dst, 0, 4, 0, MessageTypeIds.VIDEO, 1, new UnsafeBuffer(new byte[4000]), 0, 4000));
    }

    @Test
    void shouldWriteProtocolControlMessages() {
        assertArrayEquals(hex("02 000000 000004 05 00000000 002625a0"),
            written(encoder.writeWindowAcknowledgementSize(dst, 0, 2_500_000)));
        assertArrayEquals(hex("02 000000 000005 06 00000000 002625a0 02"),
            written(encoder.writeSetPeerBandwidth(dst, 0, 2_500_000, ControlMessages.LIMIT_TYPE_DYNAMIC)));
        assertArrayEquals(hex("02 000000 000004 03 00000000 fffffffe"),
            written(encoder.writeAcknowledgement(dst, 0, 0x1FFFFFFFEL)));
        assertArrayEquals(hex("02 000000 000006 04 00000000 0000 00000001"),
            written(encoder.writeStreamBegin(dst, 0, 1)));
        assertArrayEquals(hex("02 000000 000006 04 00000000 0007 0000abcd"),
            written(encoder.writePingResponse(dst, 0, 0xABCD)));
    }

    @Test
    void shouldReadControlMessagePayloads() {
        final UnsafeBuffer peerBandwidth = new UnsafeBuffer(hex("002625a0 01"));
        final UnsafeBuffer ping = new UnsafeBuffer(hex("0006 fffffff0"));

        assertEquals(2_500_000L, ControlMessages.readUint32(peerBandwidth, 0, 5));
        assertEquals(ControlMessages.LIMIT_TYPE_SOFT, ControlMessages.readPeerBandwidthLimitType(peerBandwidth, 0, 5));
        assertEquals(ControlMessages.EVENT_PING_REQUEST, ControlMessages.readUserControlEventType(ping, 0, 6));
        assertEquals(0xFFFFFFF0L, ControlMessages.readUserControlEventValue(ping, 0, 6));
        assertEquals("short user control message", assertThrows(RtmpProtocolException.class,
            () -> ControlMessages.readUserControlEventValue(ping, 0, 5)).reason());
        assertEquals("short control message", assertThrows(RtmpProtocolException.class,
            () -> ControlMessages.readUint32(ping, 0, 3)).reason());
    }

    @Test
    void shouldAcknowledgeEachTimeTheWindowIsCrossed() {
        final AcknowledgementWindow window = new AcknowledgementWindow();
        assertFalse(window.shouldAcknowledge(1_000_000), "no window set");
        window.windowBytes(1000);

        assertFalse(window.shouldAcknowledge(999));
        assertTrue(window.shouldAcknowledge(1000));
        assertFalse(window.shouldAcknowledge(1999));
        assertTrue(window.shouldAcknowledge(2500));
        assertFalse(window.shouldAcknowledge(3499));
        assertTrue(window.shouldAcknowledge(3500));
    }

    private byte[] written(final int length) {
        final byte[] bytes = new byte[length];
        dst.getBytes(0, bytes);
        return bytes;
    }

    @Test
    void shouldBuildTheSameSingleChunkMessageInPlaceAsEncodeDoesByCopying() {
        for (long timestampMs : new long[] {0, 1234, 0xFFFFFE, 0xFFFFFF, 0x1_0000_0000L + 5}) {
            ChunkEncoder encoder = new ChunkEncoder();
            encoder.chunkSizeBytes(4096);
            UnsafeBuffer payload = new UnsafeBuffer(new byte[300]);
            for (int i = 0; i < 300; i++) {
                payload.putByte(i, (byte) i);
            }
            ExpandableArrayBuffer copied = new ExpandableArrayBuffer(512);
            int copiedLength = encoder.encode(copied, 0, 6, timestampMs, MessageTypeIds.VIDEO, 1, payload, 0, 300);

            int headroom = 32;
            UnsafeBuffer inPlace = new UnsafeBuffer(new byte[headroom + 300]);
            inPlace.putBytes(headroom, payload, 0, 300);
            int headerLength = encoder.messageHeaderLength(6, timestampMs);
            assertEquals(headerLength, encoder.writeMessageHeader(inPlace, headroom - headerLength, 6, timestampMs,
                    MessageTypeIds.VIDEO, 1, 300));
            assertEquals(copiedLength, headerLength + 300, "timestamp " + timestampMs);
            assertArrayEquals(Arrays.copyOf(copied.byteArray(), copiedLength),
                    Arrays.copyOfRange(inPlace.byteArray(), headroom - headerLength, headroom + 300),
                    "timestamp " + timestampMs);
        }
    }
}
