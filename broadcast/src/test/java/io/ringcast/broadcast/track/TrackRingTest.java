package io.ringcast.broadcast.track;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class TrackRingTest {
    private static long publish(TrackRing ring, int length, byte fill, boolean keyframe, long order) {
        long pos = ring.reserve(length);
        ring.payloadBuffer().setMemory(ring.offsetOf(pos), length, fill);
        return ring.publish(pos, length, 5, Codec.AVC, keyframe, false, order, 0, 0, order);
    }

    @Test
    void shouldRejectSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new TrackRing(TrackKind.VIDEO, 100, 4096));
        assertThrows(IllegalArgumentException.class, () -> new TrackRing(TrackKind.VIDEO, 64, 5000));
    }

    @Test
    void shouldNeverSplitAPayloadAcrossTheEndOfTheRing() {
        TrackRing ring = new TrackRing(TrackKind.VIDEO, 16, 8192);
        assertEquals(0, ring.reserve(3000));
        assertEquals(3000, ring.reserve(3000));
        long pos = ring.reserve(3000);
        assertEquals(8192, pos, "skips to the next lap instead of wrapping");
        assertEquals(0, ring.offsetOf(pos));
    }

    @Test
    void shouldReportSlotsOverwrittenByTheProducerAsInvalid() {
        TrackRing ring = new TrackRing(TrackKind.VIDEO, 16, 1 << 16);
        for (int i = 0; i < 14; i++) {
            publish(ring, 10, (byte) i, false, i);
        }
        assertTrue(ring.isSlotValid(0), "cursor 13 = 0 + 16 - 3: slot 0 intact");
        publish(ring, 10, (byte) 14, false, 14);
        assertTrue(ring.isSlotValid(0), "cursor 14: producer may claim 15 but not 16");
        publish(ring, 10, (byte) 15, false, 15);
        assertFalse(ring.isSlotValid(0), "cursor 15: producer may be rewriting slot 0 for 16");
    }

    @Test
    void shouldReportPayloadBytesOverwrittenByALaterLapAsNotIntact() {
        TrackRing ring = new TrackRing(TrackKind.VIDEO, 64, 4096);
        long first = ring.reserve(1000);
        assertTrue(ring.isPayloadIntact(first));
        ring.reserve(1000);
        ring.reserve(1000);
        ring.reserve(1000);
        assertTrue(ring.isPayloadIntact(first), "4000 bytes reserved in a 4096 ring");
        ring.reserve(1000);
        assertFalse(ring.isPayloadIntact(first), "the fifth frame laps the first");
    }

    @Test
    void shouldTrackTheNewestKeyframeButNotSequenceHeaders() {
        TrackRing ring = new TrackRing(TrackKind.VIDEO, 16, 4096);
        assertEquals(-1, ring.newestKeyframeSequence());
        long pos = ring.reserve(4);
        ring.publish(pos, 4, 5, Codec.AVC, true, true, 0, 0, 0, 0);
        assertEquals(-1, ring.newestKeyframeSequence());
        long key = publish(ring, 10, (byte) 1, true, 1);
        publish(ring, 10, (byte) 2, false, 2);
        assertEquals(key, ring.newestKeyframeSequence());
    }

    @Test
    void shouldCopyInPublishedBytesUnchanged() {
        TrackRing ring = new TrackRing(TrackKind.AUDIO, 16, 4096);
        byte[] data = {1, 2, 3, 4, 5, 6, 7};
        long seq = ring.publishCopy(new UnsafeBuffer(data), 0, data.length, 2, Codec.AAC, false, false, 23, 0, 99, 7);
        FrameEvent e = ring.slot(seq);
        byte[] back = new byte[e.payloadLength()];
        ring.payloadBuffer().getBytes(ring.offsetOf(e.payloadPosition()), back);
        assertArrayEquals(data, back);
        assertEquals(23, e.timestampMs());
        assertEquals(99, e.ingestNanos());
        assertEquals(7, e.order());
        assertEquals(2, e.headerLength());
        assertEquals(1, ring.framesPublished());
        assertEquals(7, ring.bytesPublished());
    }

    @Test
    void shouldHandEachSequenceHeaderTheFormatItCarriesAndOtherFramesNone() {
        TrackRing ring = new TrackRing(TrackKind.AUDIO, 16, 4096);
        byte[] header = {(byte) 0xAF, 0, 0x12, 0x10};
        TrackFormat format = new TrackFormat(Codec.AAC, header, 2, 0, 0, 44_100, 2);
        ring.updateFormat(format);

        long headerSeq = ring.publishCopy(new UnsafeBuffer(header), 0, 4, 2, Codec.AAC, false, true, 0, 0, 0, 0);
        long frameSeq = ring.publishCopy(new UnsafeBuffer(new byte[8]), 0, 8, 2, Codec.AAC, false, false, 23, 0, 0, 1);

        assertSame(format, ring.slot(headerSeq).format());
        assertEquals(44_100, ring.slot(headerSeq).format().aacConfig().samplingFrequencyHz(), "parsed once, kept");
        assertNull(ring.slot(frameSeq).format());
        FrameEvent copy = new FrameEvent();
        copy.copyFrom(ring.slot(headerSeq));
        assertSame(format, copy.format(), "a subscriber's copy keeps it");
    }

    @Test
    void shouldGiveItsMemoryBackOnlyOnceTheStreamClosedAndItsWriterAndTapsLeft() {
        RingMemoryPool pool = new RingMemoryPool();
        TrackRing ring = new TrackRing(TrackKind.VIDEO, 16, 4096, pool);
        ring.holdForWriter();
        assertFalse(ring.hasPayloadMemory(), "no memory before the first frame");
        publish(ring, 100, (byte) 1, true, 0);
        assertTrue(ring.hasPayloadMemory());
        com.lmax.disruptor.Sequence tap = ring.addTap();

        ring.releaseStreamHold();
        ring.releaseStreamHold();
        assertTrue(ring.hasPayloadMemory(), "the writer may still write");
        ring.releaseWriter();
        assertTrue(ring.hasPayloadMemory(), "the tap may still read");
        assertEquals(0, pool.idleBytes());
        ring.removeTap(tap);
        assertFalse(ring.hasPayloadMemory());
        assertEquals(4096, pool.idleBytes(), "back in the pool");
        ring.removeTap(tap);
        assertEquals(4096, pool.idleBytes(), "removing a tap twice gives nothing back twice");
    }

    @Test
    void shouldFailTheValidationOfAReaderOfAClosedStreamOnceTheNextRingReusesItsMemory() {
        RingMemoryPool pool = new RingMemoryPool();
        TrackRing closed = new TrackRing(TrackKind.VIDEO, 16, 4096, pool);
        closed.holdForWriter();
        long position = closed.reserve(100);
        closed.payloadBuffer().setMemory(closed.offsetOf(position), 100, (byte) 7);
        closed.publish(position, 100, 5, Codec.AVC, true, false, 0, 0, 0, 0);
        UnsafeBuffer view = new UnsafeBuffer(closed.payloadBuffer(), closed.offsetOf(position), 100);
        assertTrue(closed.isPayloadIntact(position));
        assertTrue(closed.isPayloadClearOfProducer(position));

        closed.releaseWriter();
        closed.releaseStreamHold();
        TrackRing next = new TrackRing(TrackKind.VIDEO, 16, 4096, pool);
        long reused = next.reserve(100);
        next.payloadBuffer().setMemory(next.offsetOf(reused), 100, (byte) 9);
        assertEquals(0, pool.idleBytes());
        assertEquals(4096, pool.allocatedBytes(), "the next ring reused the memory");

        assertEquals(9, view.getByte(0), "the old reader's view now sees the next stream's bytes");
        assertFalse(closed.isPayloadIntact(position), "so its validation fails");
        assertFalse(closed.isPayloadClearOfProducer(position), "and it writes nothing more from the ring");
        assertTrue(next.isPayloadIntact(reused));
    }
}
