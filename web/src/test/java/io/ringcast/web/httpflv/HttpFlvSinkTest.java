package io.ringcast.web.httpflv;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.SyntheticStream;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.agrona.ExpandableDirectByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink against a scripted container, single-threaded: readiness handshake and byte layout. */
@Timeout(10)
class HttpFlvSinkTest {
    private final ScriptedOutput out = new ScriptedOutput();
    private final AtomicInteger completions = new AtomicInteger();
    private final HttpFlvSink sink = new HttpFlvSink(asyncContext(completions), out, null);

    @Test
    void shouldWaitForTheFirstWritePossibleBeforeAskingTheContainer() throws Exception {
        out.ready = true;

        assertFalse(sink.isReady());
        assertEquals(0, out.isReadyCalls, "no container call before the first onWritePossible");

        sink.onWritePossible();
        assertTrue(sink.isReady());
    }

    @Test
    void shouldNotAskAgainUntilTheContainerCallsBack() throws Exception {
        sink.onWritePossible();
        out.ready = false;
        assertFalse(sink.isReady());
        out.ready = true;

        assertFalse(sink.isReady(), "blocked until the container calls back");
        assertEquals(1, out.isReadyCalls);

        sink.onWritePossible();
        assertTrue(sink.isReady());
    }

    @Test
    void shouldNotLoseACallbackThatRacesWithANotReadyAnswer() throws Exception {
        sink.onWritePossible();
        out.ready = false;
        out.duringIsReady = () -> {
            out.ready = true;
            sink.onWritePossible();
        };

        assertFalse(sink.isReady());
        out.duringIsReady = null;

        assertTrue(sink.isReady(), "the callback that came during isReady() counts");
    }

    @Test
    void shouldKeepWhatTheContainerCannotTakeAndSendItFirstWhenWritable() throws Exception {
        out.ready = false;
        sink.writeStart(null, null, audioFormat());
        assertEquals(0, out.bytes.size(), "nothing written while not writable");
        assertTrue(sink.heldBytes() > 0, "held by the viewer until the container is ready");

        out.ready = true;
        sink.onWritePossible();
        assertTrue(sink.isReady());
        assertEquals(0, sink.heldBytes(), "dropped once the container took them");

        FlvStreamReader flv = new FlvStreamReader(new ByteArrayInputStream(out.bytes.toByteArray()));
        assertEquals(0x04, flv.readHeader(), "audio only");
        FlvStreamReader.Tag tag = flv.next();
        assertEquals(8, tag.type());
        assertArrayEquals(SyntheticStream.AAC_SEQUENCE_HEADER, tag.body());
        assertNull(flv.next());
    }

    @Test
    void shouldWriteEachFrameAsOneContiguousTag() throws Exception {
        out.ready = true;
        sink.onWritePossible();
        byte[] body = SyntheticStream.videoFrame(7, true, 100);
        ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(256);
        int offset = 5;
        buffer.putBytes(offset, body);
        out.writes = 0;

        sink.writeFrame(TrackKind.VIDEO, new FrameEvent(), buffer, offset, body.length);

        assertEquals(1, out.writes, "one container write per frame");
        assertEquals(0, sink.heldBytes(), "a viewer that keeps up holds no bytes of its own");
        FlvStreamReader.Tag tag = new FlvStreamReader(new ByteArrayInputStream(out.bytes.toByteArray())).next();
        assertEquals(9, tag.type());
        assertArrayEquals(body, tag.body());
    }

    @Test
    void shouldCutTheConnectionOfAViewerDroppedForBeingTooSlowInsteadOfFinishingItsResponse() {
        AtomicInteger aborts = new AtomicInteger();
        HttpFlvSink slow = new HttpFlvSink(asyncContext(completions), out, aborts::incrementAndGet);
        slow.close(CloseReason.TOO_SLOW);
        assertEquals(1, aborts.get(), "connection cut");
        assertEquals(0, completions.get(), "no attempt to send the buffered rest");

        HttpFlvSink leaving = new HttpFlvSink(asyncContext(completions), out, aborts::incrementAndGet);
        leaving.close(CloseReason.STREAM_CLOSED);
        assertEquals(1, aborts.get());
        assertEquals(1, completions.get(), "any other end finishes the response");
    }

    @Test
    void shouldCompleteTheAsyncContextOnce() {
        sink.close(CloseReason.TOO_SLOW);
        sink.close(CloseReason.VIEWER_LEFT);

        assertEquals(1, completions.get());
        assertTrue(sink.isClosed());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndAtOnceWhenTheContainerReportsAFailedFlushOnTheWorkersOwnThread() throws Exception {
        AtomicLong frozenClock = new AtomicLong();
        HttpFlvSink failing = new HttpFlvSink(asyncContext(completions), out, null, frozenClock::get);
        out.ready = true;
        failing.onWritePossible();
        out.duringFlush = () -> failing.onError(new IOException("broken pipe"));

        // Before the fix, onError waited for the worker's own flush call to return: with this clock, forever.
        failing.flush();

        out.duringFlush = null;
        IOException e = assertThrows(IOException.class, failing::flush, "the stream is barred from now on");
        assertEquals("the servlet container ended the viewer's request", e.getMessage());
    }

    private static TrackFormat audioFormat() {
        return new TrackFormat(Codec.AAC, SyntheticStream.AAC_SEQUENCE_HEADER, 2, 0, 0, 44_100, 2);
    }

    private static AsyncContext asyncContext(AtomicInteger completions) {
        return (AsyncContext) Proxy.newProxyInstance(HttpFlvSinkTest.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("complete")) {
                        completions.incrementAndGet();
                    }
                    return null;
                });
    }

    /** A servlet output stream whose readiness the test scripts; enforces the async-mode contract. */
    private static final class ScriptedOutput extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ready;
        boolean lastAnswer;
        int isReadyCalls;
        int writes;
        Runnable duringIsReady;
        Runnable duringFlush;

        @Override
        public boolean isReady() {
            isReadyCalls++;
            lastAnswer = ready;
            if (duringIsReady != null) {
                duringIsReady.run();
            }
            return lastAnswer;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
        }

        @Override
        public void flush() {
            if (duringFlush != null) {
                duringFlush.run();
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!lastAnswer) {
                throw new IllegalStateException("write while not ready");
            }
            writes++;
            bytes.write(b, off, len);
        }
    }
}
