package io.ringcast.ingest.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.RecordingListener.Message;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChunkDecoderTest {
    private static final int MAX_MESSAGE_LENGTH = 8 * 1024 * 1024;
    private static final int MAX_CHUNK_SIZE = 65536;
    private static final int MAX_CHUNK_STREAMS = 16;

    private final RecordingListener listener = new RecordingListener();
    private final ChunkDecoder decoder = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, MAX_CHUNK_STREAMS);

    @Test
    void shouldRoundTripManyMessageSizesAtManyChunkSizes() {
        final int[] sizes = {0, 1, 2, 127, 128, 129, 255, 256, 257, 1000, 4095, 4096, 4097, 65539, 300_001};
        final int[] chunkSizes = {1, 2, 100, 128, 129, 4096, 60000};
        for (final int chunkSize : chunkSizes) {
            final ChunkEncoder encoder = new ChunkEncoder();
            final ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
            int length = encoder.writeSetChunkSize(wire, 0, chunkSize);
            final List<Message> expected = new ArrayList<>();
            for (final int size : sizes) {
                final byte[] payload = payload(size, chunkSize);
                final long timestamp = size * 7L;
                final int before = length;
                length += encoder.encode(wire, length, 6, timestamp, MessageTypeIds.VIDEO, 1,
                    new UnsafeBuffer(payload), 0, size);
                assertEquals(encoder.encodedLength(6, timestamp, size), length - before, "encoded length");
                expected.add(new Message(6, timestamp, MessageTypeIds.VIDEO, 1, payload));
            }
            final RecordingListener listener = new RecordingListener();
            final ChunkDecoder decoder = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4);

            assertEquals(length, decoder.decode(wire, 0, length));

            assertEquals(chunkSize, decoder.chunkSizeBytes());
            assertEquals(expected, listener.messages.subList(1, listener.messages.size()), "chunk size " + chunkSize);
            assertEquals(length, decoder.bytesConsumed());
        }
    }

    @Test
    void shouldReassembleMessagesSplitAcrossChunksAtEveryBoundary() {
        final ChunkEncoder encoder = new ChunkEncoder();
        final ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
        int length = 0;
        final List<Message> expected = new ArrayList<>();
        final int[] chunkStreamIds = {3, 63, 64, 319, 320, 65599};
        for (int i = 0; i < chunkStreamIds.length; i++) {
            final int csid = chunkStreamIds[i];
            final long timestamp = i % 2 == 0 ? 40L * i : 0xFFFFFFL + i;
            final byte[] payload = payload(300 + i, i);
            length += encoder.encode(wire, length, csid, timestamp, MessageTypeIds.AUDIO, 1,
                new UnsafeBuffer(payload), 0, payload.length);
            expected.add(new Message(csid, timestamp, MessageTypeIds.AUDIO, 1, payload));
        }

        for (int split = 0; split <= length; split++) {
            final RecordingListener listener = new RecordingListener();
            final ChunkDecoder decoder = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 8);
            decoder.decode(wire, 0, split);
            decoder.decode(wire, split, length - split);
            assertEquals(expected, listener.messages, "split at " + split);
        }

        final RecordingListener byteByByte = new RecordingListener();
        final ChunkDecoder decoder = new ChunkDecoder(byteByByte, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 8);
        for (int i = 0; i < length; i++) {
            decoder.decode(wire, i, 1);
        }
        assertEquals(expected, byteByByte.messages);
    }

    @Test
    void shouldDemultiplexInterleavedChunkStreams() {
        final byte[] a = payload(200, 1);
        final byte[] b = payload(50, 2);
        final byte[] wire = concat(
            hex("04 000010 0000c8 09 01000000"), Arrays.copyOfRange(a, 0, 128),
            hex("06 000020 000032 08 01000000"), b,
            hex("c4"), Arrays.copyOfRange(a, 128, 200));

        decodeAll(wire);

        assertEquals(List.of(
            new Message(6, 0x20, MessageTypeIds.AUDIO, 1, b),
            new Message(4, 0x10, MessageTypeIds.VIDEO, 1, a)), listener.messages);
    }

    @Test
    void shouldReadExtendedTimestampOnFmt0AndRepeatedOnFmt3Continuation() {
        final byte[] payload = payload(200, 3);
        final byte[] wire = concat(
            hex("06 ffffff 0000c8 09 01000000 12345678"), Arrays.copyOfRange(payload, 0, 128),
            hex("c6 12345678"), Arrays.copyOfRange(payload, 128, 200));

        decodeAll(wire);

        assertEquals(List.of(new Message(6, 0x12345678L, MessageTypeIds.VIDEO, 1, payload)), listener.messages);
    }

    @Test
    void shouldReadExtendedTimestampDeltaOnFmt1AndOnFmt3StartingNextMessage() {
        final byte[] wire = concat(
            hex("06 000010 000001 09 01000000 aa"),
            hex("46 ffffff 000001 09 01000000 bb"),
            hex("c6 01000000 cc"));

        decodeAll(wire);

        assertEquals(List.of(0x10L, 0x01000010L, 0x02000010L), timestamps());
    }

    @Test
    void shouldReuseTimestampDeltaWhenFmt3StartsNewMessage() {
        final byte[] wire = concat(
            hex("03 0003e8 000020 14 00000000"), payload(32, 0),
            hex("83 000014"), payload(32, 1),
            hex("c3"), payload(32, 2),
            hex("c3"), payload(32, 3));

        decodeAll(wire);

        assertEquals(List.of(1000L, 1020L, 1040L, 1060L), timestamps());
        assertEquals(4, listener.messages.stream().filter(m -> m.payload().length == 32).count());
    }

    @Test
    void shouldReuseAbsoluteTimestampFieldAsDeltaWhenFmt3FollowsFmt0LikeFfmpeg() {
        final byte[] wire = concat(hex("04 000021 000001 08 01000000 aa"), hex("c4 bb"));

        decodeAll(wire);

        assertEquals(List.of(0x21L, 0x42L), timestamps());
    }

    @Test
    void shouldWrapTimestampAt32Bits() {
        final byte[] wire = concat(
            hex("04 ffffff 000001 08 01000000 fffffff0 aa"),
            hex("84 000020 bb"));

        decodeAll(wire);

        assertEquals(List.of(0xFFFFFFF0L, 0x10L), timestamps());
    }

    @Test
    void shouldApplySetChunkSizeFromTheNextChunk() {
        final byte[] big = payload(300, 9);
        final byte[] wire = concat(
            hex("02 000000 000004 01 00000000 00000100"),
            hex("05 000000 00012c 09 01000000"), Arrays.copyOfRange(big, 0, 256),
            hex("c5"), Arrays.copyOfRange(big, 256, 300));

        decodeAll(wire);

        assertEquals(256, decoder.chunkSizeBytes());
        assertEquals(new Message(2, 0, MessageTypeIds.SET_CHUNK_SIZE, 0, hex("00000100")), listener.messages.get(0));
        assertEquals(new Message(5, 0, MessageTypeIds.VIDEO, 1, big), listener.messages.get(1));
    }

    @Test
    void shouldDiscardPartialMessageOnAbortAndDecodeTheNextOne() {
        final byte[] next = payload(10, 4);
        final byte[] wire = concat(
            hex("05 000000 0000c8 09 01000000"), payload(128, 3),
            hex("02 000000 000004 02 00000000 00000005"),
            hex("05 000028 00000a 09 01000000"), next);

        decodeAll(wire);

        assertEquals(List.of(5), listener.abortedChunkStreams);
        assertEquals(List.of(
            new Message(2, 0, MessageTypeIds.ABORT, 0, hex("00000005")),
            new Message(5, 0x28, MessageTypeIds.VIDEO, 1, next)), listener.messages);
    }

    @Test
    void shouldWritePayloadIntoListenerTargetAtGivenOffset() {
        final UnsafeBuffer ring = new UnsafeBuffer(new byte[1024]);
        listener.targetBuffer = ring;
        listener.targetOffset = 100;
        final byte[] payload = payload(300, 5);
        final ChunkEncoder encoder = new ChunkEncoder();
        final ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
        final int length = encoder.encode(wire, 0, 4, 1, MessageTypeIds.VIDEO, 1, new UnsafeBuffer(payload), 0, 300);

        decoder.decode(wire, 0, length);

        assertSame(ring, listener.lastBuffer);
        assertEquals(100, listener.lastOffset);
        final byte[] landed = new byte[300];
        ring.getBytes(100, landed);
        assertArrayEquals(payload, landed);
        assertEquals(0, ring.getByte(99));
        assertEquals(0, ring.getByte(400));
    }

    @Test
    void shouldSkipPayloadWhenListenerDeclinesMessage() {
        listener.accept = false;
        final byte[] wire = concat(
            hex("04 000000 000003 09 01000000 010203"),
            hex("02 000000 000004 05 00000000 00989680"));

        decodeAll(wire);

        assertEquals(1, listener.starts);
        assertEquals(List.of(new Message(2, 0, MessageTypeIds.WINDOW_ACKNOWLEDGEMENT_SIZE, 0, hex("00989680"))),
            listener.messages);
    }

    @Test
    void shouldDeliverZeroLengthMessage() {
        decodeAll(hex("04 000005 000000 12 01000000"));

        assertEquals(List.of(new Message(4, 5, MessageTypeIds.DATA_AMF0, 1, new byte[0])), listener.messages);
    }

    @Test
    void shouldCountEveryByteConsumed() {
        final byte[] wire = hex("04 000005 000002 12 01000000 0102 c4");

        assertEquals(wire.length, decoder.decode(new UnsafeBuffer(wire), 0, wire.length));
        assertEquals(wire.length, decoder.decode(new UnsafeBuffer(wire), 0, wire.length));

        assertEquals(2L * wire.length, decoder.bytesConsumed());
    }

    @Test
    void shouldRejectFmt1OnChunkStreamNeverStartedWithFmt0() {
        assertRejected("chunk stream starts without fmt 0", hex("44 000000 000001 09"));
    }

    @Test
    void shouldRejectFmt3OnChunkStreamNeverStartedWithFmt0() {
        assertRejected("chunk stream starts without fmt 0", hex("c4"));
    }

    @Test
    void shouldRejectMessageLongerThanConfiguredMaximum() {
        assertRejected("message too long", hex("04 000000 800001 09 01000000"));
    }

    @Test
    void shouldRejectSetChunkSizeOfZero() {
        assertRejected("invalid chunk size", hex("02 000000 000004 01 00000000 00000000"));
    }

    @Test
    void shouldRejectSetChunkSizeWithTopBitSet() {
        assertRejected("invalid chunk size", hex("02 000000 000004 01 00000000 80000000"));
    }

    @Test
    void shouldRejectSetChunkSizeAboveConfiguredMaximum() {
        assertRejected("chunk size above limit", hex("02 000000 000004 01 00000000 00010001"));
    }

    @Test
    void shouldRejectShortSetChunkSize() {
        assertRejected("short set chunk size", hex("02 000000 000002 01 00000000 0001"));
    }

    @Test
    void shouldRejectNewMessageHeaderInsideUnfinishedMessage() {
        assertRejected("message header inside a message",
            concat(hex("04 000000 0000c8 09 01000000"), payload(128, 0), hex("44 000000 000001 09")));
    }

    @Test
    void shouldRejectMoreChunkStreamsThanConfigured() {
        final ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int csid = 3; csid < 3 + MAX_CHUNK_STREAMS + 1; csid++) {
            many.write(csid);
            many.writeBytes(hex("000000 000000 08 01000000"));
        }

        assertRejected("too many chunk streams", many.toByteArray());
    }

    @Test
    void shouldNotAllocateWhenDecodingAtSteadyState() {
        final ChunkEncoder encoder = new ChunkEncoder();
        final ExpandableArrayBuffer wire = new ExpandableArrayBuffer();
        int length = 0;
        for (int i = 0; i < 100; i++) {
            length += encoder.encode(wire, length, 4 + (i % 3), i * 33L, MessageTypeIds.VIDEO, 1,
                new UnsafeBuffer(payload(500 + i, i)), 0, 500 + i);
        }
        final UnsafeBuffer target = new UnsafeBuffer(new byte[4096]);
        final ChunkListener counting = new ChunkListener() {
            long total;

            @Override
            public boolean onMessageStart(final MessageHeader header, final PayloadTarget payloadTarget) {
                if (header.chunkStreamId() == 4) {
                    payloadTarget.wrap(target, 16);
                }
                return true;
            }

            @Override
            public void onMessage(final MessageHeader header, final org.agrona.DirectBuffer buffer, final int offset,
                final int messageLength) {
                total += messageLength + buffer.getByte(offset);
            }

            @Override
            public void onMessageAborted(final MessageHeader header) {
            }
        };
        final ChunkDecoder decoder = new ChunkDecoder(counting, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4);
        final int step = 97;
        for (int i = 0; i < 200; i++) {
            decodeInSteps(decoder, wire, length, step);
        }

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(threadId);
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 100; i++) {
            decodeInSteps(decoder, wire, length, step);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(0, allocated, "bytes allocated while decoding 10,000 messages");
    }

    private static void decodeInSteps(
        final ChunkDecoder decoder, final ExpandableArrayBuffer wire, final int length, final int step) {
        for (int offset = 0; offset < length; offset += step) {
            decoder.decode(wire, offset, Math.min(step, length - offset));
        }
    }

    private void assertRejected(final String reason, final byte[] wire) {
        final RtmpProtocolException ex = assertThrows(RtmpProtocolException.class, () -> decodeAll(wire));
        assertEquals(reason, ex.reason());
        assertTrue(ex.getMessage().startsWith(reason));
    }

    private void decodeAll(final byte[] wire) {
        assertEquals(wire.length, decoder.decode(new UnsafeBuffer(wire), 0, wire.length));
    }

    private List<Long> timestamps() {
        return listener.messages.stream().map(Message::timestampMs).toList();
    }

    static byte[] payload(final int length, final int seed) {
        final byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte)(i * 13 + seed * 7 + (i >> 8));
        }
        return payload;
    }

    static byte[] hex(final String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
