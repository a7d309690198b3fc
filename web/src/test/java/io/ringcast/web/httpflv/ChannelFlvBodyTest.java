package io.ringcast.web.httpflv;

import io.ringcast.broadcast.testing.NarrowSocket;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.web.http.ResponseChannel;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.SyntheticStream;
import jakarta.servlet.AsyncContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP-FLV sink over a container channel ({@link ChannelFlvBody}) against a scripted socket that takes only so
 * many bytes: frames of a batch leave in one gathering write, what the socket refuses is held and goes first once it
 * is writable again, and the bytes on the wire are the FLV stream, in order, whatever was cut where.
 */
@Timeout(10)
class ChannelFlvBodyTest {
    private final NarrowSocket socket = new NarrowSocket(Integer.MAX_VALUE);
    private final ScriptedChannel channel = new ScriptedChannel(socket);
    private final HttpFlvSink sink = new HttpFlvSink(asyncContext(), null, channel, null);
    private final UnsafeBuffer ring = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private final List<byte[]> sent = new ArrayList<>();
    private int ringAt;

    ChannelFlvBodyTest() throws Exception {
        sink.listen(); // the container finished the request's call at once (the scripted channel says so)
    }

    @Test
    void shouldSendABatchOfFramesInOneGatheringWriteAtTheFlush() throws Exception {
        sink.writeStart(null, null, null);
        socket.writes = 0;
        for (int i = 0; i < 3; i++) {
            frame(i, 1_000 + i);
        }
        assertEquals(0, socket.writes, "gathered until the batch's flush");
        sink.flush();
        assertEquals(1, socket.writes, "three frames, one system call");
        assertEquals(0, sink.heldBytes());
        assertStreamCarriesEveryFrame();
    }

    @Test
    void shouldHoldWhatTheSocketRefusesAndSendItFirstWhenWritableAgainWhereverItWasCut() throws Exception {
        sink.writeStart(null, null, null);
        for (int round = 0; round < 40; round++) {
            socket.room = 7 + round * 131;
            frame(round, 2_000 + round);
            frame(round + 100, 300);
            sink.flush();
            if (sink.heldBytes() > 0) {
                assertFalse(sink.isReady(), "blocked until the channel says it is writable");
                assertEquals(1, channel.awaits, "asked once to be told");
                socket.room = 5;
                channel.writable.run();
                assertFalse(sink.isReady(), "the socket took only part of the held bytes");
                assertEquals(2, channel.awaits, "asked again");
                channel.awaits = 0;
                socket.room = Integer.MAX_VALUE;
                channel.writable.run();
                assertTrue(sink.isReady(), "held bytes went out first");
                assertEquals(0, sink.heldBytes());
            }
        }
        assertStreamCarriesEveryFrame();
    }

    @Test
    void shouldWriteFramesThroughWhatTheContainerOffersOnceTheHeadIsOut() throws Exception {
        NarrowSocket head = new NarrowSocket(Integer.MAX_VALUE);
        HttpFlvSink direct = new HttpFlvSink(asyncContext(), null, new ScriptedChannel(head, socket), null);
        direct.listen();
        direct.writeStart(null, null, null);
        direct.flush();
        byte[] start = head.taken();
        socket.writes = 0;
        for (int i = 0; i < 3; i++) {
            byte[] body = SyntheticStream.videoFrame(i, i == 0, 1_000 + i);
            ring.putBytes(0, body);
            direct.writeFrame(TrackKind.VIDEO, new FrameEvent(), ring, 0, body.length);
            direct.flush();
            sent.add(body);
        }

        assertEquals(13, start.length, "the FLV header and the first previous-tag-size went the response's way");
        assertEquals(3, socket.writes, "each frame written where the container pointed after the head");
        assertEquals(start.length, head.taken().length, "nothing more through the response's way");
        byte[] stream = new byte[start.length + socket.taken().length];
        System.arraycopy(start, 0, stream, 0, start.length);
        System.arraycopy(socket.taken(), 0, stream, start.length, socket.taken().length);
        assertStreamCarriesEveryFrame(stream);
    }

    private void frame(int index, int size) throws Exception {
        byte[] body = SyntheticStream.videoFrame(index, index % 30 == 0, size);
        if (ringAt + size > ring.capacity()) {
            ringAt = 0;
        }
        ring.putBytes(ringAt, body);
        sink.writeFrame(TrackKind.VIDEO, new FrameEvent(), ring, ringAt, size);
        ringAt += size;
        sent.add(body);
    }

    private void assertStreamCarriesEveryFrame() throws Exception {
        assertStreamCarriesEveryFrame(socket.taken());
    }

    private void assertStreamCarriesEveryFrame(byte[] stream) throws Exception {
        FlvStreamReader flv = new FlvStreamReader(new ByteArrayInputStream(stream));
        flv.readHeader();
        for (byte[] body : sent) {
            FlvStreamReader.Tag tag = flv.next();
            assertEquals(9, tag.type());
            assertArrayEquals(body, tag.body());
        }
        assertNull(flv.next());
    }

    private static AsyncContext asyncContext() {
        return (AsyncContext) Proxy.newProxyInstance(ChannelFlvBodyTest.class.getClassLoader(),
                new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> null);
    }

    /** The container's channel: counts the requests to be told of writability; the test plays the callback. */
    private static final class ScriptedChannel implements ResponseChannel {
        private final NarrowSocket head;
        private final NarrowSocket socket;
        Runnable writable;
        int awaits;

        ScriptedChannel(NarrowSocket socket) {
            this(socket, socket);
        }

        /** Opens as {@code head}, and offers {@code socket} once the head was flushed. */
        ScriptedChannel(NarrowSocket head, NarrowSocket socket) {
            this.head = head;
            this.socket = socket;
        }

        @Override
        public void whenRequestDone(Runnable action) {
            action.run();
        }

        @Override
        public GatheringByteChannel open(Runnable onWritable) {
            this.writable = onWritable;
            return head;
        }

        @Override
        public void awaitWritable() {
            awaits++;
        }

        @Override
        public void end() {
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public GatheringByteChannel afterHead() {
            return socket;
        }
    }
}
