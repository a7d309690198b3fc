package io.ringcast.broadcast.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A socket whose send buffer takes only {@link #room} more bytes, then refuses as a full one does (a write returns
 * what fitted, possibly 0); counts write calls and keeps every byte it took, in order.
 */
public final class NarrowSocket implements GatheringByteChannel {
    /** Bytes it still takes; set it to script partial writes. */
    public int room;
    /** Write calls so far (gathering or not); reset it freely. */
    public int writes;
    private final ByteArrayOutputStream taken = new ByteArrayOutputStream();

    public NarrowSocket(int room) {
        this.room = room;
    }

    /** Every byte taken so far. */
    public byte[] taken() {
        return taken.toByteArray();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        writes++;
        long total = 0;
        for (int i = offset; i < offset + length && room > 0; i++) {
            total += take(srcs[i]);
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) {
        writes++;
        return take(src);
    }

    private int take(ByteBuffer src) {
        int n = Math.min(room, src.remaining());
        for (int i = 0; i < n; i++) {
            taken.write(src.get());
        }
        room -= n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
