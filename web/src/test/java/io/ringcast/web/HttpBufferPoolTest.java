package io.ringcast.web;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class HttpBufferPoolTest {
    @Test
    void shouldHandAReturnedBufferToItsThreadAgainClearedAndRefuseUseAfterReturn() {
        HttpBufferPool pool = new HttpBufferPool(1024, 4);
        PooledByteBuffer first = pool.allocate();
        ByteBuffer buffer = first.getBuffer();
        assertTrue(buffer.isDirect());
        assertEquals(1024, buffer.capacity());
        buffer.put((byte) 1).flip();
        first.close();
        first.close(); // a second close returns nothing twice
        assertFalse(first.isOpen());
        assertThrows(IllegalStateException.class, first::getBuffer);

        PooledByteBuffer second = pool.allocate();
        PooledByteBuffer third = pool.allocate();
        assertSame(buffer, second.getBuffer(), "cached by the thread that returned it");
        assertNotSame(buffer, third.getBuffer(), "returned once, handed out once");
        assertEquals(0, second.getBuffer().position());
        assertEquals(1024, second.getBuffer().limit(), "cleared");
        second.close();
        third.close();
        pool.close();
    }

    @Test
    void shouldKeepAtMostItsCachePerThreadAndHandNewBuffersBeyondIt() {
        HttpBufferPool pool = new HttpBufferPool(512, 2);
        List<PooledByteBuffer> taken = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            taken.add(pool.allocate());
        }
        List<ByteBuffer> cached = List.of(taken.get(0).getBuffer(), taken.get(1).getBuffer());
        taken.forEach(PooledByteBuffer::close); // the last three are freed at once
        List<ByteBuffer> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PooledByteBuffer b = pool.allocate();
            again.add(b.getBuffer());
            b.getBuffer().put(0, (byte) 7); // every buffer handed out is usable memory
        }
        // By identity: ByteBuffer.equals compares contents.
        assertSame(cached.get(1), again.get(0), "the two cached ones, last returned first");
        assertSame(cached.get(0), again.get(1));
        assertNotSame(cached.get(0), again.get(2), "then a new one");
        assertNotSame(cached.get(1), again.get(2));
    }

    @Test
    void shouldOfferAHeapPoolOfTheSameSizeForUndertowsArrayBackedNeeds() {
        HttpBufferPool pool = new HttpBufferPool(2048, 4);
        ByteBufferPool heap = pool.getArrayBackedPool();
        assertFalse(heap.isDirect());
        assertEquals(2048, heap.getBufferSize());
        try (PooledByteBuffer b = heap.allocate()) {
            assertTrue(b.getBuffer().hasArray());
        }
        assertSame(heap, heap.getArrayBackedPool());
    }

    /**
     * The reason this pool exists: under ZGC a finalizable object reaching any direct buffer kept every direct buffer
     * in the JVM from being freed (Undertow's pool and its per-thread data had finalizers).
     */
    @Test
    void shouldHaveNoFinalizerAndBeThePoolTheEmbeddedListenerGivesUndertow() {
        ByteBufferPool listenerPool = HttpListener.newBufferPool();
        assertInstanceOf(HttpBufferPool.class, listenerPool);
        listenerPool.close();
        for (Class<?> c : List.of(HttpBufferPool.class, HttpBufferPool.class.getDeclaredClasses()[0])) {
            for (Method m : c.getDeclaredMethods()) {
                assertNotEquals("finalize", m.getName(), c.getName());
            }
        }
    }
}
