package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.testing.NarrowSocket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatheredWriteTest {
    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    GatheredWriteTest() {
        for (int i = 0; i < ring.capacity(); i++) {
            ring.putByte(i, (byte) i);
        }
    }

    @Test
    void shouldWriteHeaderBytesAndRingSlicesInOrderThroughOneChannelWrite() throws Exception {
        GatheredWrite gather = GatheredWrite.of(new Object());
        addHeader(gather, 0x0A, 0x0B);
        gather.add(ring, 100, 3);
        addHeader(gather, 0x0C);
        gather.add(ring, 200, 2);
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            assertEquals(8, gather.writeTo(sink));
            ByteBuffer received = ByteBuffer.allocate(16);
            source.read(received);
            assertArrayEquals(bytes(0x0A, 0x0B, 100, 101, 102, 0x0C, (byte) 200, (byte) 201),
                    java.util.Arrays.copyOf(received.array(), received.position()));
        }
        assertEquals(4, gather.pieceCount());
    }

    @Test
    void shouldExtendThePreviousPieceWhenASliceContinuesIt() {
        GatheredWrite gather = GatheredWrite.of(new Object());
        addHeader(gather, 1);
        addHeader(gather, 2);
        gather.add(ring, 10, 5);
        gather.add(ring, 15, 5);
        gather.add(ring, 40, 5);
        assertEquals(3, gather.pieceCount(), "header bytes claimed in a row and adjacent slices are one piece");
        assertEquals(17, gather.length());
    }

    @Test
    void shouldHandBackExactlyTheBytesTheChannelDidNotTakeInOrder() throws Exception {
        GatheredWrite gather = GatheredWrite.of(new Object());
        addHeader(gather, 0x55, 0x66);
        gather.add(ring, 0, 10);
        addHeader(gather, 0x77);
        gather.add(ring, 500, 10);
        NarrowSocket socket = new NarrowSocket(7);
        long written = gather.writeTo(socket);
        assertEquals(7, written);
        UnsafeBuffer rest = new UnsafeBuffer(new byte[64]);
        int copied = gather.copyUnwritten(rest, 3);
        assertEquals(gather.length() - written, copied);
        byte[] all = new byte[23];
        System.arraycopy(socket.taken(), 0, all, 0, 7);
        rest.getBytes(3, all, 7, copied);
        byte[] expected = new byte[23];
        expected[0] = 0x55;
        expected[1] = 0x66;
        for (int i = 0; i < 10; i++) {
            expected[2 + i] = (byte) i;
            expected[13 + i] = (byte) (500 + i);
        }
        expected[12] = 0x77;
        assertArrayEquals(expected, all);
    }

    @Test
    void shouldBoundThePiecesOfOneWrite() {
        GatheredWrite gather = GatheredWrite.of(new Object());
        for (int i = 0; i < GatheredWrite.MAX_PIECES; i += 2) {
            addHeader(gather, 9);
            gather.add(ring, 4 * i, 1);
        }
        assertFalse(gather.hasRoom(1, 0));
        assertTrue(GatheredWrite.of(new Object()).hasRoom(GatheredWrite.MAX_PIECES, 1024), "emptied for the next");
    }

    @Test
    void shouldKeepAnOwnersPiecesUntilAnotherOwnerTakesTheInstance() {
        Object viewer = new Object();
        GatheredWrite gather = GatheredWrite.of(viewer);
        gather.add(ring, 0, 10);
        assertEquals(10, GatheredWrite.of(viewer).length(), "the same owner finds its pieces");
        assertTrue(gather.isHeldBy(viewer));
        Object other = new Object();
        assertEquals(0, GatheredWrite.of(other).length(), "another owner starts empty");
        assertFalse(gather.isHeldBy(viewer), "the first owner can tell its pieces are gone");
    }

    @Test
    void shouldKeepViewsOfALiveStreamsRingForTheNextViewerWithoutHoldingFinishedPieces() {
        GatheredWrite gather = GatheredWrite.of(new Object());
        gather.add(ring, 0, 10);
        gather.clear();
        assertTrue(GatheredWrite.of(new Object()).retains(ring.byteBuffer()), "the ring's views, made once, stay");
    }

    @Test
    void shouldForgetTheViewsOfEveryRingOnceAStreamClosedAtTheNextOwner() {
        GatheredWrite gather = GatheredWrite.of(new Object());
        gather.add(ring, 0, 10);
        GatheredWrite.sourcesReleased();
        GatheredWrite.of(new Object());
        assertFalse(gather.retains(ring.byteBuffer()), "no view may keep a closed stream's ring reachable");
    }

    @Test
    void shouldLetGoOfItsOwnerAndOfClosedStreamsRingsOnRelease() {
        Object viewer = new Object();
        GatheredWrite gather = GatheredWrite.of(viewer);
        gather.add(ring, 0, 10);
        gather.release();
        assertFalse(gather.isHeldBy(viewer), "a released instance keeps no viewer reachable");
        assertTrue(gather.retains(ring.byteBuffer()), "no stream closed: the views stay");
        GatheredWrite.sourcesReleased();
        gather.release();
        assertFalse(gather.retains(ring.byteBuffer()));
    }

    private static void addHeader(GatheredWrite gather, int... values) {
        int at = gather.claimHeaderBytes(values.length);
        for (int i = 0; i < values.length; i++) {
            gather.headerBytes().putByte(at + i, (byte) values[i]);
        }
        gather.addHeaderBytes(at, values.length);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
