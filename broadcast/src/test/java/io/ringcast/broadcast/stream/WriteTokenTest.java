package io.ringcast.broadcast.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The lock-free hand-over of a switched stream's write role. */
@Timeout(20)
class WriteTokenTest {

    @Test
    void shouldRefuseTheOldHolderOnceTakenOver() {
        WriteToken token = new WriteToken(1);
        assertTrue(token.tryBeginWrite(1));
        token.endWrite(1);
        assertTrue(token.takeOver(1, 2));
        assertFalse(token.tryBeginWrite(1), "taken over while the old holder had no write open");
        assertTrue(token.isWriting());
        token.endWrite(2);
        assertEquals(2, token.holder());
        assertFalse(token.takeOver(1, 3), "the expected holder no longer holds it");
        assertEquals(2, token.holder());
    }

    @Test
    void shouldWaitForTheHoldersWriteToEndBeforeTakingOver() throws Exception {
        WriteToken token = new WriteToken(1);
        assertTrue(token.tryBeginWrite(1));
        CompletableFuture<Boolean> taken = CompletableFuture.supplyAsync(() -> token.takeOver(1, 2));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() - deadline < 0) {
            assertFalse(taken.isDone(), "never while the holder writes");
            assertEquals(1, token.holder());
            Thread.onSpinWait();
        }
        token.endWrite(1);
        assertTrue(taken.get(5, TimeUnit.SECONDS));
        assertEquals(2, token.holder());
        assertTrue(token.isWriting(), "the successor's first write is open");
    }

    @Test
    void shouldNeverLetTwoSourcesWriteAtOnceWhileTheyKeepTakingItFromEachOther() throws Exception {
        WriteToken token = new WriteToken(WriteToken.NO_EPOCH);
        AtomicInteger epochs = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicLong overlaps = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        Runnable source = () -> {
            int mine = WriteToken.NO_EPOCH;
            long n = 0;
            while (System.nanoTime() - endNs < 0) {
                boolean writing;
                if (mine != WriteToken.NO_EPOCH && token.tryBeginWrite(mine)) {
                    writing = true;
                } else if (++n % 7 == 0) {
                    int next = epochs.incrementAndGet();
                    writing = token.takeOver(token.holder(), next);
                    if (writing) {
                        mine = next;
                    }
                } else {
                    writing = false;
                }
                if (writing) {
                    if (writers.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    writes.incrementAndGet();
                    writers.decrementAndGet();
                    token.endWrite(mine);
                }
            }
        };
        CompletableFuture<Void> a = CompletableFuture.runAsync(source);
        CompletableFuture<Void> b = CompletableFuture.runAsync(source);
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        assertEquals(0, overlaps.get(), "two writers at once");
        assertTrue(writes.get() > 1000, "writes: " + writes.get());
        assertTrue(epochs.get() > 10, "take-overs: " + epochs.get());
    }
}
