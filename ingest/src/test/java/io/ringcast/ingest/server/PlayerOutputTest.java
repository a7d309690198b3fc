package io.ringcast.ingest.server;

import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output's byte path over a real loopback socket: scratch write-through, and pending bytes only when refused. */
@Timeout(20)
class PlayerOutputTest {
    private static final int CHUNK_SIZE = 1024;
    private static final int STREAM_ID = 1;

    private ServerSocketChannel listener;
    private SocketChannel writer;
    private SocketChannel reader;
    private PlayerOutput output;

    @BeforeEach
    void connect() throws Exception {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = SocketChannel.open();
        reader.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        reader.connect(listener.getLocalAddress());
        writer = listener.accept();
        writer.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        writer.configureBlocking(false);
        output = new PlayerOutput(writer, CHUNK_SIZE, 16 << 20);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
        reader.close();
        listener.close();
    }

    @Test
    void shouldWriteAMessageTheSocketTakesWithoutABufferOfItsOwn() throws Exception {
        byte[] payload = payload(3_000); // three chunks, within what the small socket buffers take

        assertTrue(output.writeMessage(6, 1234, MessageTypeIds.VIDEO, STREAM_ID, new UnsafeBuffer(payload), 0,
                payload.length));

        assertFalse(output.holdsPendingBuffer(), "a viewer that keeps up holds no buffer");
        assertArrayEquals(encoded(1234, payload), read(encoded(1234, payload).length));
    }

    @Test
    void shouldKeepWhatTheSocketRefusesAndSendItInOrderBehindTheNextMessage() throws Exception {
        byte[] big = payload(2_000_000);
        byte[] next = payload(300);

        assertFalse(output.writeMessage(6, 10, MessageTypeIds.VIDEO, STREAM_ID, new UnsafeBuffer(big), 0,
                big.length), "a stalled reader's socket refuses 2 MB");
        assertTrue(output.holdsPendingBuffer());
        output.writeMessage(4, 20, MessageTypeIds.AUDIO, STREAM_ID, new UnsafeBuffer(next), 0, next.length);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(encoded(10, big));
        expected.write(encoded(20, next));
        byte[] want = expected.toByteArray();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        while (got.size() < want.length) {
            output.flushPending();
            chunk.clear();
            int n = reader.read(chunk);
            if (n < 0) {
                break;
            }
            got.write(chunk.array(), 0, n);
        }
        assertTrue(output.flushPending(), "everything left once the reader caught up");
        assertArrayEquals(want, got.toByteArray(), "both messages whole and in order");
    }

    @Test
    void shouldSendQueuedRepliesAtTheNextDrainEveryOneOnceAndInOrder() throws Exception {
        assertTrue(output.drain(), "nothing queued, nothing pending");
        byte[] first = {1, 2, 3};
        byte[] second = {4, 5};
        output.enqueueControl(new UnsafeBuffer(first), first.length);
        output.enqueueControl(new UnsafeBuffer(second), second.length);

        assertTrue(output.drain());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, read(5));

        byte[] third = {6};
        output.enqueueControl(new UnsafeBuffer(third), third.length);
        assertTrue(output.drain());
        assertTrue(output.drain(), "a reply is sent once");
        byte[] audio = payload(300);
        assertTrue(output.writeMessage(4, 30, MessageTypeIds.AUDIO, STREAM_ID, new UnsafeBuffer(audio), 0,
                audio.length));
        byte[] want = new byte[1 + encoded(30, audio).length];
        want[0] = 6;
        System.arraycopy(encoded(30, audio), 0, want, 1, want.length - 1);
        assertArrayEquals(want, read(want.length), "the reply, then the message, nothing twice");
    }

    private static byte[] encoded(long timestampMs, byte[] payload) {
        ChunkEncoder encoder = new ChunkEncoder();
        encoder.chunkSizeBytes(CHUNK_SIZE);
        ExpandableArrayBuffer out = new ExpandableArrayBuffer();
        int typeId = payload.length == 300 ? MessageTypeIds.AUDIO : MessageTypeIds.VIDEO;
        int csid = typeId == MessageTypeIds.AUDIO ? 4 : 6;
        int length = encoder.encode(out, 0, csid, timestampMs, typeId, STREAM_ID, new UnsafeBuffer(payload), 0,
                payload.length);
        return Arrays.copyOf(out.byteArray(), length);
    }

    private byte[] read(int length) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        while (bytes.hasRemaining() && reader.read(bytes) >= 0) {
            // blocking reader: loops until the expected bytes are in
        }
        return bytes.array();
    }

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
