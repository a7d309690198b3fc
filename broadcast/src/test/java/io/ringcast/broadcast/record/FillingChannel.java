package io.ringcast.broadcast.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file on a disk that is full after {@code capacityBytes}, as a file system says it: a write takes what
 * still fits and the next one fails with ENOSPC's message; truncating gives the space back. Test stand-in for
 * {@link ChannelOpener}; one thread (the recording's writer).
 */
final class FillingChannel extends FileChannel {
    private final FileChannel file;
    private final long capacityBytes;

    FillingChannel(FileChannel file, long capacityBytes) {
        this.file = file;
        this.capacityBytes = capacityBytes;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return write(src, file.position(), true);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return write(src, position, false);
    }

    private int write(ByteBuffer src, long position, boolean advance) throws IOException {
        long free = capacityBytes - Math.max(file.size(), position);
        long growing = position + src.remaining() - file.size();
        if (growing > 0 && free <= 0) {
            throw new IOException("No space left on device");
        }
        int fits = (int) Math.min(src.remaining(), Math.max(0, file.size() - position) + Math.max(0, free));
        ByteBuffer part = src.slice().limit(fits);
        int written = file.write(part, position);
        src.position(src.position() + written);
        if (advance) {
            file.position(position + written);
        }
        return written;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
