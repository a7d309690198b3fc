package io.ringcast.web;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import org.agrona.BufferUtil;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Undertow's buffers for the embedded listener: buffers of one size, a few cached per thread, any other freed at
 * once when returned (a direct one explicitly: a late write into it then fails loudly under glibc's heap checks
 * instead of corrupting a buffer handed out again). Thread-safe; a buffer may be returned on another thread than
 * the one that took it, and goes to that thread's cache.
 *
 * <p>What Undertow's {@code DefaultByteBufferPool} does too, without its finalizers. An object awaiting finalization
 * that reaches one direct buffer reaches them all, through the JDK's list of their cleaners; ZGC then counts every
 * direct buffer as live, and none was ever freed again: a slow viewer's backlog, a closed stream's rings. This pool
 * has none: a dead thread's cache goes with the thread.
 */
final class HttpBufferPool implements ByteBufferPool {
    private static final VarHandle OPEN;

    static {
        try {
            OPEN = MethodHandles.lookup().findVarHandle(Pooled.class, "open", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int bufferBytes;
    private final boolean direct;
    private final int cachedPerThread;
    private final ThreadLocal<ArrayDeque<ByteBuffer>> cache = ThreadLocal.withInitial(ArrayDeque::new);
    private final HttpBufferPool arrayBacked;
    private volatile boolean closed;

    /** Direct buffers of {@code bufferBytes}, up to {@code cachedPerThread} kept by each thread that returns them. */
    HttpBufferPool(int bufferBytes, int cachedPerThread) {
        this(bufferBytes, true, cachedPerThread);
    }

    private HttpBufferPool(int bufferBytes, boolean direct, int cachedPerThread) {
        if (bufferBytes <= 0 || cachedPerThread < 0) {
            throw new IllegalArgumentException("bufferBytes " + bufferBytes + ", cachedPerThread " + cachedPerThread);
        }
        this.bufferBytes = bufferBytes;
        this.direct = direct;
        this.cachedPerThread = cachedPerThread;
        this.arrayBacked = direct ? new HttpBufferPool(bufferBytes, false, cachedPerThread) : this;
    }

    @Override
    public PooledByteBuffer allocate() {
        ByteBuffer buffer = cache.get().pollLast();
        if (buffer == null) {
            buffer = direct ? ByteBuffer.allocateDirect(bufferBytes) : ByteBuffer.allocate(bufferBytes);
        }
        buffer.clear();
        return new Pooled(buffer);
    }

    private void giveBack(ByteBuffer buffer) {
        ArrayDeque<ByteBuffer> local = cache.get();
        if (!closed && local.size() < cachedPerThread) {
            local.addLast(buffer);
        } else if (direct) {
            BufferUtil.free(buffer);
        }
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return arrayBacked;
    }

    /** Buffers returned from now on are freed; those cached by other threads go with their threads. */
    @Override
    public void close() {
        closed = true;
        ArrayDeque<ByteBuffer> local = cache.get();
        for (ByteBuffer buffer = local.pollLast(); buffer != null; buffer = local.pollLast()) {
            if (direct) {
                BufferUtil.free(buffer);
            }
        }
        if (arrayBacked != this) {
            arrayBacked.close();
        }
    }

    @Override
    public int getBufferSize() {
        return bufferBytes;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    /** One allocation: returned to the pool by its first close; unusable after it. */
    private final class Pooled implements PooledByteBuffer {
        private final ByteBuffer buffer;
        @SuppressWarnings("unused") // through OPEN
        private volatile boolean open = true;

        Pooled(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public ByteBuffer getBuffer() {
            if (!open) {
                throw new IllegalStateException("buffer already returned to the pool");
            }
            return buffer;
        }

        @Override
        public void close() {
            if (OPEN.compareAndSet(this, true, false)) {
                giveBack(buffer);
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }
}
