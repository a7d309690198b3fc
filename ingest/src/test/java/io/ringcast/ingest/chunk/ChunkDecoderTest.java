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
    /** The scratch buffer of the control chunk stream 2 after a Set Chunk Size. */
    private static final int CONTROL_SCRATCH_BYTES = ChunkStream.MIN_SCRATCH_BYTES;

    private final RecordingListener listener = new RecordingListener();
    private final ChunkDecoder decoder =
        new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, MAX_CHUNK_STREAMS);

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
    void shouldHoldOnlyTheBytesThatArrivedWhenHeadersAnnounceLongMessages() {
        final ChunkDecoder small = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 64,
            1 << 20, new PartialMessageBudget(4 << 20));
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(hex("02 000000 000004 01 00000000 00000001")); // Set Chunk Size 1
        for (int csid = 3; csid < 64; csid++) {
            wire.write(csid);
            wire.writeBytes(hex("000000 800000 14 00000000 02")); // 8 MiB command announced, 1 byte sent
        }
        final byte[] bytes = wire.toByteArray();

        small.decode(new UnsafeBuffer(bytes), 0, bytes.length);

        assertEquals(1, small.chunkSizeBytes());
        assertTrue(small.bufferedBytes() <= 62 * ChunkStream.MIN_SCRATCH_BYTES,
            "61 announced 8 MiB messages of 1 byte each hold " + small.bufferedBytes() + " bytes");
    }

    @Test
    void shouldGrowScratchByDoublingUpToTheAnnouncedLengthOnly() {
        final ChunkStream stream = new ChunkStream(3);
        stream.header.messageLength = 4;
        assertEquals(ChunkStream.MIN_SCRATCH_BYTES, stream.grownCapacity(1), "never less than the minimum");
        stream.header.messageLength = 1000;
        assertEquals(ChunkStream.MIN_SCRATCH_BYTES, stream.grownCapacity(1));
        stream.growScratch(ChunkStream.MIN_SCRATCH_BYTES);
        assertEquals(2 * ChunkStream.MIN_SCRATCH_BYTES, stream.grownCapacity(300));
        assertEquals(700, stream.grownCapacity(700));
        stream.growScratch(700);
        assertEquals(1000, stream.grownCapacity(701), "never beyond the announced length");
    }

    @Test
    void shouldCloseAPeerWhosePartialMessagesPassTheConnectionBudget() {
        final PartialMessageBudget budget = new PartialMessageBudget(1 << 20);
        final int held = 128 * 1024 + CONTROL_SCRATCH_BYTES; // a 128 KiB partial command, and Set Chunk Size's
        final ChunkDecoder limited = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, held, budget);
        final byte[] announce = concat(hex("02 000000 000004 01 00000000 00010000"),
            hex("03 000000 100000 14 00000000"));
        limited.decode(new UnsafeBuffer(announce), 0, announce.length);
        final byte[] chunk = concat(payload(65_536, 1));
        final UnsafeBuffer view = new UnsafeBuffer(chunk);
        limited.decode(view, 0, chunk.length);
        final byte[] next = concat(hex("c3"), payload(65_536, 2));
        limited.decode(new UnsafeBuffer(next), 0, next.length); // 128 KiB in all: exactly the budget

        final PartialMessageBudgetException e = assertThrows(PartialMessageBudgetException.class,
            () -> limited.decode(new UnsafeBuffer(next), 0, 2));
        assertEquals(false, e.serverWide());
        assertEquals("partial messages above the connection's budget", e.reason());
        assertEquals(held, limited.bufferedBytes());
        assertEquals(held - PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION, budget.reservedBytes());
        limited.releaseBuffers();
        assertEquals(0, budget.reservedBytes(), "the connection gives its bytes back when it ends");
        assertEquals(0, limited.bufferedBytes());
    }

    @Test
    void shouldCloseThePeerThatWouldPassTheServerBudgetAndLetOthersKeepTheirs() {
        final PartialMessageBudget budget = new PartialMessageBudget(100 * 1024);
        final ChunkDecoder first = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, 1 << 20, budget);
        final ChunkDecoder second = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, 1 << 20, budget);
        final byte[] wire = concat(hex("02 000000 000004 01 00000000 00010000"), hex("03 000000 100000 14 00000000"),
            payload(65_536, 3), hex("c3"), payload(65_536, 4));

        first.decode(new UnsafeBuffer(wire), 0, wire.length); // 128 KiB: 64 KiB of it from the server's budget
        final long firstReserved = 64 * 1024 + CONTROL_SCRATCH_BYTES;
        assertEquals(firstReserved, budget.reservedBytes());
        final PartialMessageBudgetException e = assertThrows(PartialMessageBudgetException.class,
            () -> second.decode(new UnsafeBuffer(wire), 0, wire.length));
        assertTrue(e.serverWide(), "the second would need 64 KiB more of the 100 KiB, 36 KiB are left");
        assertEquals("partial messages above the server's budget", e.reason());
        second.releaseBuffers();
        assertEquals(firstReserved, budget.reservedBytes(), "the first keeps what it holds");

        final ChunkDecoder small = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, 1 << 20, budget);
        final byte[] command = concat(hex("03 000000 000064 14 00000000"), payload(100, 4));
        small.decode(new UnsafeBuffer(command), 0, command.length);
        assertEquals(100, listener.messages.get(listener.messages.size() - 1).payload().length,
            "a small message needs nothing of the server's budget");
        first.releaseBuffers();
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void shouldDropALargeScratchBufferOnceItsMessageIsComplete() {
        final PartialMessageBudget budget = new PartialMessageBudget(1 << 20);
        final ChunkDecoder limited = new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, 1 << 20, budget);
        final byte[] big = concat(hex("02 000000 000004 01 00000000 00010000"), hex("03 000000 018000 12 00000000"),
            payload(65_536, 5), hex("c3"), payload(0x8000, 6));
        limited.decode(new UnsafeBuffer(big), 0, big.length);

        assertEquals(0x18000, listener.messages.get(listener.messages.size() - 1).payload().length);
        assertTrue(limited.bufferedBytes() <= ChunkStream.MAX_RETAINED_SCRATCH_BYTES,
            "after its message a 96 KiB buffer is not kept: " + limited.bufferedBytes());
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void shouldValidateItsBudgets() {
        final IllegalArgumentException perConnection = assertThrows(IllegalArgumentException.class,
            () -> new ChunkDecoder(listener, MAX_MESSAGE_LENGTH, MAX_CHUNK_SIZE, 4, 0,
                PartialMessageBudget.unlimited()));
        assertEquals("maxBufferedBytes must be positive: 0", perConnection.getMessage());
        final IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
            () -> new PartialMessageBudget(-1));
        assertEquals("capacityBytes must be positive: -1", server.getMessage());
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
        final long[] messages = {0};
        final ChunkListener counting = new ChunkListener() {

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
                messages[0]++;
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
        assertEquals(30_000, messages[0], "messages delivered in 300 passes of 100");
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
