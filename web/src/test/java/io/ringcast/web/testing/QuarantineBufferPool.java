package io.ringcast.web.testing;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A buffer pool for Undertow that catches writes into a buffer after it was returned: every returned buffer is
 * filled with a pattern and kept out of use (never handed out again, never freed explicitly, so a late write lands
 * in memory that is still ours), and checked when it leaves quarantine or at {@link #checkAll}. Thread-safe.
 * Where the allocation came from is kept for the report.
 */
public final class QuarantineBufferPool implements ByteBufferPool {
    private static final byte PATTERN = (byte) 0xA5;

    private final int bufferBytes;
    private final int quarantineSize;
    private final ByteBufferPool arrayBacked;
    private final ArrayDeque<Returned> quarantine = new ArrayDeque<>();
    private final AtomicLong allocated = new AtomicLong();
    private final AtomicLong writtenAfterReturn = new AtomicLong();
    private volatile String firstReport;

    private record Returned(ByteBuffer buffer, Throwable allocatedAt) {
    }

    /** @param quarantineSize returned buffers kept at once (each {@code bufferBytes} of direct memory) */
    public QuarantineBufferPool(int bufferBytes, int quarantineSize) {
        this.bufferBytes = bufferBytes;
        this.quarantineSize = quarantineSize;
        this.arrayBacked = new DefaultByteBufferPool(false, bufferBytes, -1, 0);
    }

    @Override
    public PooledByteBuffer allocate() {
        allocated.incrementAndGet();
        ByteBuffer buffer = ByteBuffer.allocateDirect(bufferBytes);
        Throwable at = new Throwable("allocated on " + Thread.currentThread().getName());
        return new PooledByteBuffer() {
            private final AtomicBoolean open = new AtomicBoolean(true);

            @Override
            public ByteBuffer getBuffer() {
                if (!open.get()) {
                    throw new IllegalStateException("buffer already returned");
                }
                return buffer;
            }

            @Override
            public void close() {
                if (open.compareAndSet(true, false)) {
                    returned(buffer, at);
                }
            }

            @Override
            public boolean isOpen() {
                return open.get();
            }
        };
    }

    private void returned(ByteBuffer buffer, Throwable allocatedAt) {
        ByteBuffer all = buffer.duplicate().clear();
        while (all.hasRemaining()) {
            all.put(PATTERN);
        }
        Returned leaving = null;
        synchronized (quarantine) {
            quarantine.add(new Returned(buffer, allocatedAt));
            if (quarantine.size() > quarantineSize) {
                leaving = quarantine.poll();
            }
        }
        if (leaving != null) {
            check(leaving);
        }
    }

    /** Checks every buffer still in quarantine; returns the count of buffers written after their return so far. */
    public long checkAll() {
        synchronized (quarantine) {
            for (Returned r : quarantine) {
                check(r);
            }
            quarantine.clear();
        }
        return writtenAfterReturn.get();
    }

    private void check(Returned r) {
        ByteBuffer all = r.buffer().duplicate().clear();
        for (int i = 0; i < all.limit(); i++) {
            if (all.get(i) != PATTERN) {
                if (writtenAfterReturn.incrementAndGet() == 1) {
                    StringBuilder where = new StringBuilder("byte " + i + " written after return; "
                            + r.allocatedAt().getMessage());
                    for (StackTraceElement e : r.allocatedAt().getStackTrace()) {
                        where.append("\n\tat ").append(e);
                    }
                    firstReport = where.toString();
                }
                return;
            }
        }
    }

    public long allocated() {
        return allocated.get();
    }

    /** Where the first buffer written after its return was allocated, or null. */
    public String firstReport() {
        return firstReport;
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
        return arrayBacked;
    }

    @Override
    public void close() {
        arrayBacked.close();
    }

    @Override
    public int getBufferSize() {
        return bufferBytes;
    }

    @Override
    public boolean isDirect() {
        return true;
    }
}
