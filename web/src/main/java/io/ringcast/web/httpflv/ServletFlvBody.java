package io.ringcast.web.httpflv;

import jakarta.servlet.ServletOutputStream;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * An HTTP-FLV body written to the servlet output stream in non-blocking mode: the portable path (Tomcat, Jetty, and
 * the embedded server's tests of it). Tags are assembled in the fan-out thread's scratch array ({@link #SCRATCH},
 * grown to the largest tag) and handed to the container in one write, which copies them. A viewer therefore holds
 * no bytes of its own while it keeps up; only bytes produced while the container holds the viewer off are copied
 * into a per-viewer {@link #held} buffer, which {@link #drain()} sends first and then drops.
 *
 * <p>Readiness: the stream's {@code isReady()} is asked at most once per {@link WritableEpoch} after it said "not
 * ready" (the container calls {@code onWritePossible} once after each such answer).
 */
final class ServletFlvBody implements FlvBody {
    private static final int INITIAL_SCRATCH_BYTES = 64 * 1024;
    /** Per fan-out thread (sink methods run on one); the container copies out of it before write returns. */
    private static final ThreadLocal<ExpandableArrayBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(INITIAL_SCRATCH_BYTES));

    private final ServletOutputStream out;
    private final WritableEpoch writable;
    /** Called once, just before the first byte goes to the stream (the sink sets the status then). */
    private final Runnable beforeFirstWrite;
    /** Bytes the container was not ready for, in order; null while there are none. */
    private ExpandableArrayBuffer held;
    private int heldLength;
    private long bytesWritten;
    private boolean written;

    ServletFlvBody(ServletOutputStream out, WritableEpoch writable, Runnable beforeFirstWrite) {
        this.out = out;
        this.writable = writable;
        this.beforeFirstWrite = beforeFirstWrite;
    }

    @Override
    public boolean drain() throws IOException {
        if (!containerReady()) {
            return false;
        }
        if (heldLength == 0) {
            return true;
        }
        int length = heldLength;
        byte[] bytes = held.byteArray();
        heldLength = 0;
        held = null;
        write(bytes, length);
        return containerReady();
    }

    @Override
    public MutableDirectBuffer assemblyTarget() {
        return heldLength > 0 ? held : SCRATCH.get();
    }

    @Override
    public int assemblyStart(MutableDirectBuffer target) {
        return target == held ? heldLength : 0;
    }

    @Override
    public void send(MutableDirectBuffer target, int end) throws IOException {
        if (target == held) {
            heldLength = end;
            drain();
            return;
        }
        if (containerReady()) {
            write(target.byteArray(), end);
        } else {
            held = new ExpandableArrayBuffer(end);
            held.putBytes(0, target, 0, end);
            heldLength = end;
        }
    }

    @Override
    public void sendTag(int tagType, long timestampMs, DirectBuffer payload, int offset, int length)
            throws IOException {
        sendTagCopied(tagType, timestampMs, payload, offset, length);
    }

    @Override
    public void flush() throws IOException {
        if (drain()) {
            try {
                out.flush();
            } catch (RuntimeException e) {
                throw HttpFlvSink.containerFailure(e);
            }
        }
    }

    @Override
    public void answer(byte[] body) throws IOException {
        if (out.isReady()) {
            out.write(body);
        }
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public int heldBytes() {
        return heldLength;
    }

    private void write(byte[] bytes, int length) throws IOException {
        if (!written) {
            written = true;
            beforeFirstWrite.run();
        }
        try {
            out.write(bytes, 0, length);
        } catch (RuntimeException e) {
            throw HttpFlvSink.containerFailure(e);
        }
        bytesWritten += length;
    }

    /** Asks the container at most once per writable epoch after it said "not ready". */
    private boolean containerReady() throws IOException {
        long epoch = writable.read();
        if (writable.isBlockedAt(epoch)) {
            return false;
        }
        boolean ready;
        try {
            ready = out.isReady();
        } catch (RuntimeException e) {
            throw HttpFlvSink.containerFailure(e);
        }
        if (!ready) {
            writable.blockAt(epoch);
        }
        return ready;
    }
}
