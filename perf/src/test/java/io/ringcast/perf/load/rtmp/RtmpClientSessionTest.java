package io.ringcast.perf.load.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client session reassembles what a server sends, however the bytes are split: every chunk header format,
 * interleaved chunk streams, extended timestamps and chunk size changes, keeping only each media message's prefix.
 */
@Timeout(30)
class RtmpClientSessionTest {
    private static final int PREFIX_BYTES = 45;
    private static final int VIDEO_CSID = 6;
    private static final int AUDIO_CSID = 4;
    private static final int STREAM_ID = 1;
    private static final long PING_TIMESTAMP = 0x01020304L;

    private record Media(int type, long timestampMs, int length, byte[] prefix) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Media m && m.type == type && m.timestampMs == timestampMs && m.length == length
                    && Arrays.equals(m.prefix, prefix);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(timestampMs);
        }
    }

    private final List<Media> expected = new ArrayList<>();

    @Test
    void shouldReassembleEveryChunkFormatWhereverTheBytesAreSplit() {
        byte[] wire = serverBytes();
        for (int split = 0; split <= wire.length; split++) {
            Received received = feed(wire, split, wire.length);
            assertEquals(expected, received.media, "split at " + split);
            assertEquals(List.of("_result 1.0 NetConnection.Connect.Success"), received.commands, "split " + split);
        }
        assertEquals(expected, feed(wire, 0, 1).media, "byte by byte");
    }

    @Test
    void shouldAnswerPingsAndAcknowledgeEachWindow() {
        byte[] wire = serverBytes();
        Received received = feed(wire, wire.length, wire.length);

        List<long[]> answers = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(new ChunkListener() {
            @Override
            public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
                return true;
            }

            @Override
            public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
                long value = header.messageTypeId() == MessageTypeIds.USER_CONTROL
                        ? ControlMessages.readUserControlEventValue(buffer, offset, length)
                        : ControlMessages.readUint32(buffer, offset, length);
                answers.add(new long[] {header.messageTypeId(), value});
            }

            @Override
            public void onMessageAborted(MessageHeader header) {
            }
        }, 1 << 16, 1 << 16, 8);
        decoder.decode(new UnsafeBuffer(received.session.outputArray()), 0, received.session.outputLength());

        assertEquals(MessageTypeIds.USER_CONTROL, answers.get(0)[0]);
        assertEquals(PING_TIMESTAMP, answers.get(0)[1], "PingResponse echoes the timestamp");
        assertEquals(MessageTypeIds.ACKNOWLEDGEMENT, answers.get(1)[0]);
        assertEquals(wire.length, answers.get(1)[1], "one read, so one acknowledgement of everything");
    }

    @Test
    void shouldKeepOnlyThePrefixOfALongMessage() {
        MessagePrefixBuffer prefix = new MessagePrefixBuffer(4);
        prefix.putBytes(0, new UnsafeBuffer(new byte[] {1, 2, 3}), 0, 3);
        prefix.putBytes(3, new UnsafeBuffer(new byte[] {4, 5, 6}), 0, 3);
        prefix.putBytes(6, new UnsafeBuffer(new byte[] {7}), 0, 1);
        byte[] kept = new byte[4];
        prefix.getBytes(0, kept);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, kept);
        assertTrue(prefix.isExpandable(), "the decoder accepts it for messages of any length");
    }

    private static final class Received implements RtmpClientSession.Handler {
        final List<Media> media = new ArrayList<>();
        final List<String> commands = new ArrayList<>();
        final RtmpClientSession session = new RtmpClientSession(this, true, PREFIX_BYTES);

        @Override
        public void onCommand(String name, double transactionId, List<Object> arguments, int messageStreamId) {
            commands.add(name + " " + transactionId + " " + RtmpCommands.code(arguments));
        }

        @Override
        public void onMedia(int messageTypeId, long timestampMs, DirectBuffer prefix, int prefixLength, int length,
                            long receivedNs) {
            byte[] bytes = new byte[prefixLength];
            prefix.getBytes(0, bytes);
            media.add(new Media(messageTypeId, timestampMs, length, bytes));
        }
    }

    /** Feeds {@code wire[0, split)} and then the rest, in pieces of at most {@code piece} bytes. */
    private static Received feed(byte[] wire, int split, int piece) {
        Received received = new Received();
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        for (int[] range : new int[][] {{0, split}, {split, wire.length}}) {
            for (int p = range[0]; p < range[1]; p += piece) {
                received.session.received(buffer, p, Math.min(piece, range[1] - p), 0);
            }
        }
        return received;
    }

    /** What a server might send a player, with the media messages it should deliver noted in {@link #expected}. */
    private byte[] serverBytes() {
        ChunkBytes c = new ChunkBytes();
        c.fmt0(2, 0, 4, MessageTypeIds.SET_CHUNK_SIZE, 0).bytes(0, 0, 0, 64);
        c.fmt0(2, 0, 4, MessageTypeIds.WINDOW_ACKNOWLEDGEMENT_SIZE, 0).bytes(0, 0, 0, 100);
        c.fmt0(2, 0, 6, MessageTypeIds.USER_CONTROL, 0).bytes(0, ControlMessages.EVENT_PING_REQUEST, 1, 2, 3, 4);
        byte[] result = connectResult();
        c.fmt0(3, 0, result.length, MessageTypeIds.COMMAND_AMF0, 0).bytes(result, 0, 64);
        c.fmt3(3).bytes(result, 64, result.length - 64);

        byte[] video = payload(150, 1);
        byte[] audio = payload(10, 2);
        c.fmt0(VIDEO_CSID, 1000, video.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(video, 0, 64);
        c.fmt0(AUDIO_CSID, 1000, audio.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(audio, 0, audio.length);
        c.fmt3(VIDEO_CSID).bytes(video, 64, 64);
        c.fmt3(VIDEO_CSID).bytes(video, 128, 22);
        expect(MessageTypeIds.AUDIO, 1000, audio);
        expect(MessageTypeIds.VIDEO, 1000, video);

        byte[] second = payload(70, 3);
        c.fmt1(VIDEO_CSID, 33, second.length, MessageTypeIds.VIDEO).bytes(second, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(second, 64, 6);
        expect(MessageTypeIds.VIDEO, 1033, second);
        byte[] third = payload(70, 4);
        c.fmt2(VIDEO_CSID, 34).bytes(third, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(third, 64, 6);
        expect(MessageTypeIds.VIDEO, 1067, third);
        byte[] fourth = payload(70, 5);
        c.fmt3(VIDEO_CSID).bytes(fourth, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(fourth, 64, 6);
        expect(MessageTypeIds.VIDEO, 1101, fourth);

        long extendedTs = 0x0100_0000L;
        byte[] fifth = payload(100, 6);
        c.fmt0(VIDEO_CSID, extendedTs, fifth.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(fifth, 0, 64);
        c.fmt3(VIDEO_CSID).uint32(extendedTs).bytes(fifth, 64, 36);
        expect(MessageTypeIds.VIDEO, extendedTs, fifth);

        c.fmt0(2, 0, 4, MessageTypeIds.SET_CHUNK_SIZE, 0).bytes(0, 0, 0x10, 0);
        byte[] sixth = payload(3000, 7);
        c.fmt0(AUDIO_CSID, 2000, sixth.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(sixth, 0, sixth.length);
        expect(MessageTypeIds.AUDIO, 2000, sixth);
        c.fmt0(5, 0, 3, MessageTypeIds.SHARED_OBJECT_AMF3, 0).bytes(1, 2, 3);
        return c.toByteArray();
    }

    private void expect(int type, long timestampMs, byte[] payload) {
        expected.add(new Media(type, timestampMs, payload.length,
                Arrays.copyOf(payload, Math.min(PREFIX_BYTES, payload.length))));
    }

    private static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    private static byte[] connectResult() {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        Amf0Writer amf = new Amf0Writer().wrap(buffer, 0);
        amf.writeString("_result").writeNumber(1).writeObject(Map.of("fmsVer", "FMS/3,0,1,123"))
                .writeObject(Map.of("level", "status", "code", "NetConnection.Connect.Success"));
        byte[] bytes = new byte[amf.length()];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
