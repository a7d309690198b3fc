package io.ringcast.broadcast.track;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class RingMemoryPoolTest {
    @Test
    void shouldHandTheSameBufferToTheNextRingOfItsCapacityInsteadOfAllocating() {
        List<Integer> allocations = new ArrayList<>();
        RingMemoryPool pool = new RingMemoryPool(capacity -> {
            allocations.add(capacity);
            return ByteBuffer.allocateDirect(capacity);
        });
        ByteBuffer video = pool.take(8192);
        ByteBuffer audio = pool.take(4096);
        assertEquals(8192 + 4096, pool.allocatedBytes());
        pool.give(video);
        pool.give(audio);
        assertEquals(8192 + 4096, pool.idleBytes());

        assertSame(audio, pool.take(4096), "a capacity gets its own size back");
        assertSame(video, pool.take(8192));
        assertEquals(List.of(8192, 4096), allocations, "nothing allocated for the second stream");
        assertEquals(0, pool.idleBytes());
        assertEquals(8192 + 4096, pool.allocatedBytes());
    }

    @Test
    void shouldTurnAFailedAllocationIntoAnExceptionThatSaysWhatToRaiseAndCountIt() {
        RingMemoryPool pool = new RingMemoryPool(capacity -> {
            throw new OutOfMemoryError("Cannot reserve " + capacity + " bytes of direct buffer memory");
        });
        RingMemoryExhaustedException e = assertThrows(RingMemoryExhaustedException.class, () -> pool.take(8192));
        assertTrue(e.getMessage().contains("8192 bytes") && e.getMessage().contains("-XX:MaxDirectMemorySize"),
                e.getMessage());
        assertEquals(1, pool.allocationFailures());
        assertEquals(0, pool.allocatedBytes());
    }
}
