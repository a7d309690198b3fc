package io.ringcast.broadcast.record;

import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packing of tags into chunks, read back on the test thread in the writer's place: every chunk (one write)
 * ends at a tag boundary unless a tag is larger than a chunk, bytes round-trip exactly, flushes force, and an
 * exhausted pool is reported rather than waited for.
 */
@Timeout(10)
class TagAppenderTest {
    private static final int CHUNK_BYTES = 4096;

    /** Drains every queued chunk as the writer would: {bytes, chunk end offsets, forced end offsets}. */
    private static final class Drain {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Set<Integer> writeEnds = new TreeSet<>();
        final Set<Integer> forcedEnds = new TreeSet<>();
        int filesStarted;

        void from(ChunkPipe pipe) {
            WriteChunk chunk;
            while (!pipe.isDrained() && (chunk = pipe.poll()) != null) {
                filesStarted += chunk.startsFile ? 1 : 0;
                byte[] data = new byte[chunk.length];
                chunk.view.getBytes(0, data);
                bytes.writeBytes(data);
                writeEnds.add(bytes.size());
                if (chunk.force) {
                    forcedEnds.add(bytes.size());
                }
                pipe.release(chunk);
            }
        }
    }

    private static byte[] body(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    @Test
    void shouldEndEveryWriteAtATagBoundaryAndRoundTripTheBytes() {
        ChunkPipe pipe = new ChunkPipe(64, CHUNK_BYTES);
        TagAppender appender = new TagAppender(pipe);
        Drain drain = new Drain();
        Random random = new Random(42);
        assertTrue(appender.startFile(0, true, true));
        List<byte[]> bodies = new ArrayList<>();
        Set<Integer> tagEnds = new TreeSet<>();
        int end = FlvHeader.LENGTH;
        for (int i = 0; i < 200; i++) {
            byte[] b = body(random, 1 + random.nextInt(1_500));
            bodies.add(b);
            assertTrue(appender.appendTag(FlvTag.TYPE_VIDEO, i * 33L, new UnsafeBuffer(b), 0, b.length));
            end += b.length + FlvTag.OVERHEAD_BYTES;
            tagEnds.add(end);
            if (i % 50 == 49) {
                drain.from(pipe);
            }
        }
        assertTrue(appender.close());
        drain.from(pipe);

        assertEquals(1, drain.filesStarted);
        assertTrue(drain.writeEnds.size() > 10, "many chunks: " + drain.writeEnds.size());
        assertTrue(tagEnds.containsAll(drain.writeEnds), "every write ends at a tag boundary");
        assertEquals(Set.of(end), drain.forcedEnds, "closing forces the end");
        ByteBuffer out = ByteBuffer.wrap(drain.bytes.toByteArray());
        assertEquals(end, out.remaining());
        out.position(FlvHeader.LENGTH);
        for (byte[] b : bodies) {
            assertEquals(FlvTag.TYPE_VIDEO, out.get());
            int size = (out.get() & 0xFF) << 16 | (out.get() & 0xFF) << 8 | (out.get() & 0xFF);
            assertEquals(b.length, size);
            out.position(out.position() + 7);
            byte[] read = new byte[size];
            out.get(read);
            assertArrayEquals(b, read);
            assertEquals(size + FlvTag.HEADER_BYTES, out.getInt());
        }
    }

    @Test
    void shouldSpreadATagLargerThanAChunkOverSeveralChunks() {
        ChunkPipe pipe = new ChunkPipe(8, CHUNK_BYTES);
        TagAppender appender = new TagAppender(pipe);
        Drain drain = new Drain();
        byte[] large = body(new Random(7), 3 * CHUNK_BYTES + 100);
        assertTrue(appender.startFile(0, false, true));
        assertTrue(appender.appendTag(FlvTag.TYPE_VIDEO, 0, new UnsafeBuffer(large), 0, large.length));
        assertTrue(appender.close());
        drain.from(pipe);
        byte[] all = drain.bytes.toByteArray();
        assertEquals(FlvHeader.LENGTH + large.length + FlvTag.OVERHEAD_BYTES, all.length);
        byte[] read = new byte[large.length];
        System.arraycopy(all, FlvHeader.LENGTH + FlvTag.HEADER_BYTES, read, 0, large.length);
        assertArrayEquals(large, read);
    }

    @Test
    void shouldForceOnFlushEvenWhenTheLastChunkWentUnforced() {
        ChunkPipe pipe = new ChunkPipe(8, CHUNK_BYTES);
        TagAppender appender = new TagAppender(pipe);
        Drain drain = new Drain();
        assertTrue(appender.startFile(0, false, true));
        byte[] exact = new byte[CHUNK_BYTES - FlvHeader.LENGTH - FlvTag.OVERHEAD_BYTES];
        assertTrue(appender.appendTag(FlvTag.TYPE_VIDEO, 0, new UnsafeBuffer(exact), 0, exact.length));
        assertTrue(appender.appendTag(FlvTag.TYPE_VIDEO, 0, new UnsafeBuffer(new byte[10]), 0, 10));
        assertTrue(appender.flush());
        drain.from(pipe);
        assertEquals(Set.of(CHUNK_BYTES + 10 + FlvTag.OVERHEAD_BYTES), drain.forcedEnds);
        assertTrue(appender.flush(), "nothing new: nothing to do");
        drain.from(pipe);
        assertEquals(1, drain.forcedEnds.size());
    }

    @Test
    void shouldReportAnExhaustedPoolInsteadOfWaiting() {
        ChunkPipe pipe = new ChunkPipe(2, CHUNK_BYTES);
        TagAppender appender = new TagAppender(pipe);
        byte[] b = new byte[CHUNK_BYTES / 4];
        assertTrue(appender.startFile(0, false, true));
        int appended = 0;
        while (appender.appendTag(FlvTag.TYPE_VIDEO, 0, new UnsafeBuffer(b), 0, b.length)) {
            appended++;
            assertTrue(appended < 10, "the pool of two chunks must run out");
        }
        assertEquals(6, appended, "three whole tags of 1039 bytes per 4096-byte chunk, none beyond two chunks");
        assertEquals(0, pipe.freeChunks());
    }
}
