package io.ringcast.perf.load.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.ingest.chunk.MessageTypeIds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chunk boundary tracker tells the units of a server's chunk stream a simple player reads one by one: every
 * basic header form, every message header format, extended timestamps, chunk size changes, Abort Message and empty
 * messages; a session fed those units delivers what it delivers from one read.
 */
@Timeout(10)
class ChunkBoundaryTrackerTest {
    private static final int PREFIX_BYTES = 45;
    private static final int VIDEO_CSID = 6;
    private static final int AUDIO_CSID = 4;
    private static final int STREAM_ID = 1;

    /** The units {@link #serverBytes()} consists of, in order. */
    private final List<Integer> units = new ArrayList<>();

    @Test
    void shouldAskForEachHeaderPartAndEachChunkPayloadAndNoMore() {
        byte[] wire = serverBytes();
        List<String> bulk = new ArrayList<>();
        session(bulk).received(new UnsafeBuffer(wire), 0, wire.length, 0);

        List<String> media = new ArrayList<>();
        RtmpClientSession session = session(media);
        ChunkBoundaryTracker tracker = new ChunkBoundaryTracker();
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        List<Integer> wanted = new ArrayList<>();
        for (int position = 0; position < wire.length; ) {
            int bytes = tracker.bytesToUnitEnd();
            assertTrue(bytes > 0, "asks for nothing at byte " + position);
            wanted.add(bytes);
            session.received(buffer, position, bytes, 0);
            tracker.consume(buffer, position, bytes);
            position += bytes;
        }

        assertEquals(units, wanted);
        assertEquals(bulk, media);
        assertEquals(9, media.size(), media.toString());
    }

    @Test
    void shouldFollowTheSameUnitsWhereverTheBytesAreSplit() {
        byte[] wire = serverBytes();
        Set<Integer> unitEnds = new HashSet<>();
        int end = 0;
        for (int unit : units) {
            end += unit;
            unitEnds.add(end);
        }
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        for (int piece : new int[] {1, 2, 7, 100}) {
            ChunkBoundaryTracker tracker = new ChunkBoundaryTracker();
            Set<Integer> told = new HashSet<>(Set.of(tracker.bytesToUnitEnd()));
            for (int position = 0; position < wire.length; ) {
                int bytes = Math.min(piece, wire.length - position);
                tracker.consume(buffer, position, bytes);
                position += bytes;
                told.add(position + tracker.bytesToUnitEnd());
            }
            told.remove(wire.length + 1);
            assertTrue(unitEnds.containsAll(told), "pieces of " + piece + ": " + told);
            if (piece == 1) {
                assertEquals(unitEnds, told, "byte by byte, every unit end is told");
            }
        }
    }

    /** What a server might send a player; each chunk's units noted in {@link #units}. */
    private byte[] serverBytes() {
        ChunkBytes c = new ChunkBytes();
        c.fmt0(2, 0, 4, MessageTypeIds.SET_CHUNK_SIZE, 0).bytes(0, 0, 0, 64);
        expectUnits(1, 11, 4);

        byte[] video = payload(150, 1);
        c.fmt0(VIDEO_CSID, 1000, video.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(video, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(video, 64, 64);
        c.fmt3(VIDEO_CSID).bytes(video, 128, 22);
        expectUnits(1, 11, 64, 1, 64, 1, 22);

        byte[] second = payload(70, 2);
        c.fmt1(VIDEO_CSID, 33, second.length, MessageTypeIds.VIDEO).bytes(second, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(second, 64, 6);
        byte[] third = payload(70, 3);
        c.fmt2(VIDEO_CSID, 34).bytes(third, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(third, 64, 6);
        byte[] fourth = payload(70, 4);
        c.fmt3(VIDEO_CSID).bytes(fourth, 0, 64);
        c.fmt3(VIDEO_CSID).bytes(fourth, 64, 6);
        expectUnits(1, 7, 64, 1, 6, 1, 3, 64, 1, 6, 1, 64, 1, 6);

        long extendedTs = 0x0100_0000L;
        byte[] fifth = payload(100, 5);
        c.fmt0(VIDEO_CSID, extendedTs, fifth.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(fifth, 0, 64);
        c.fmt3(VIDEO_CSID).uint32(extendedTs).bytes(fifth, 64, 36);
        expectUnits(1, 11, 4, 64, 1, 4, 36);

        byte[] audio = payload(10, 6);
        c.fmt0(100, 1000, audio.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(audio, 0, audio.length);
        c.fmt0(400, 1000, audio.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(audio, 0, audio.length);
        expectUnits(1, 1, 11, 10, 1, 2, 11, 10);

        byte[] aborted = payload(100, 7);
        c.fmt0(VIDEO_CSID, 2000, aborted.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(aborted, 0, 64);
        c.fmt0(2, 0, 4, MessageTypeIds.ABORT, 0).bytes(0, 0, 0, VIDEO_CSID);
        byte[] afterAbort = payload(30, 8);
        c.fmt0(VIDEO_CSID, 2100, afterAbort.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(afterAbort, 0, 30);
        expectUnits(1, 11, 64, 1, 11, 4, 1, 11, 30);

        c.fmt0(5, 0, 0, MessageTypeIds.DATA_AMF0, STREAM_ID);
        expectUnits(1, 11);

        c.fmt0(2, 0, 4, MessageTypeIds.SET_CHUNK_SIZE, 0).bytes(0, 0, 0x10, 0);
        byte[] large = payload(3000, 9);
        c.fmt0(AUDIO_CSID, 3000, large.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(large, 0, large.length);
        expectUnits(1, 11, 4, 1, 11, 3000);
        return c.toByteArray();
    }

    private void expectUnits(int... bytes) {
        Arrays.stream(bytes).forEach(units::add);
    }

    private static RtmpClientSession session(List<String> media) {
        return new RtmpClientSession(new RtmpClientSession.Handler() {
            @Override
            public void onCommand(String name, double transactionId, List<Object> arguments, int messageStreamId) {
            }

            @Override
            public void onMedia(int messageTypeId, long timestampMs, DirectBuffer prefix, int prefixLength,
                                int length, long receivedNs) {
                byte[] bytes = new byte[prefixLength];
                prefix.getBytes(0, bytes);
                media.add(messageTypeId + "@" + timestampMs + " " + length + " " + Arrays.toString(bytes));
            }
        }, true, PREFIX_BYTES);
    }

    private static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }
}
