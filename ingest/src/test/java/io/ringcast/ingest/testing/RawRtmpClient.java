package io.ringcast.ingest.testing;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A minimal RTMP client for tests, built from the server's own codec classes: simple handshake, connect,
 * createStream, play, pause, deleteStream, publish with media messages, message reading, and raw bytes for
 * misbehaving on purpose. Blocking socket; owned by the test thread.
 */
public final class RawRtmpClient implements AutoCloseable {
    private static final int HANDSHAKE_BYTES = 1536;
    private static final int RTMP_VERSION = 3;
    private static final int COMMAND_CHUNK_STREAM_ID = 3;
    private static final int PLAY_CHUNK_STREAM_ID = 8;
    private static final int AUDIO_CHUNK_STREAM_ID = 4;
    private static final int VIDEO_CHUNK_STREAM_ID = 6;
    /** fmt 0 chunk header: 1-byte basic header, timestamp (3), length (3), type id (1), message stream id (4). */
    private static final int FMT0_HEADER_BYTES = 12;

    /** One received message; {@code amf} holds the decoded values of command and data messages. */
    public record Message(int typeId, int messageStreamId, long timestampMs, byte[] payload, List<Object> amf) {
        public boolean isMedia() {
            return typeId == MessageTypeIds.AUDIO || typeId == MessageTypeIds.VIDEO;
        }

        /** The code of an onStatus, or of an _error answer; null for other messages. */
        public String statusCode() {
            if (amf == null || amf.size() < 4 || !("onStatus".equals(amf.get(0)) || "_error".equals(amf.get(0)))
                    || !(amf.get(3) instanceof Map<?, ?> info)) {
                return null;
            }
            return (String) info.get("code");
        }

        /** The description (the server's reason for an error) of an onStatus or _error, else null. */
        public String statusDescription() {
            if (statusCode() == null) {
                return null;
            }
            return (String) ((Map<?, ?>) amf.get(3)).get("description");
        }

        /** Video keyframe: FLV video tag body starting with frame type 1. */
        public boolean isVideoKeyframe() {
            return typeId == MessageTypeIds.VIDEO && payload.length > 0 && (payload[0] & 0xF0) == 0x10;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ExpandableArrayBuffer outBuffer = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer amfBuffer = new ExpandableArrayBuffer(1024);
    private final Amf0Writer amf = new Amf0Writer();
    private final ArrayDeque<Message> received = new ArrayDeque<>();
    private final ChunkDecoder decoder = new ChunkDecoder(new Collector(), 8 << 20, 1 << 24, 64);
    private final byte[] readBytes = new byte[64 * 1024];
    private final UnsafeBuffer readView = new UnsafeBuffer(readBytes);
    private double transactionId = 1;
    private int publishStreamId;

    /** Connects and runs the handshake; {@code receiveBufferBytes} > 0 sets a small SO_RCVBUF first. */
    public RawRtmpClient(int port, int receiveBufferBytes) throws IOException {
        this(port, receiveBufferBytes, "127.0.0.1");
    }

    /** As {@link #RawRtmpClient(int, int)}, from another loopback address (127.0.0.2, ...: per-address limits). */
    public RawRtmpClient(int port, int receiveBufferBytes, String localAddress) throws IOException {
        this(port, receiveBufferBytes, localAddress, () -> { });
    }

    /**
     * As {@link #RawRtmpClient(int, int, String)}, running {@code beforeC2} between reading S0+S1+S2 and sending C2
     * (a test steps the server's clock there, inside the handshake).
     */
    public RawRtmpClient(int port, int receiveBufferBytes, String localAddress, Runnable beforeC2)
            throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(5_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        byte[] c0c1 = new byte[1 + HANDSHAKE_BYTES];
        c0c1[0] = RTMP_VERSION;
        out.write(c0c1);
        byte[] s0s1s2 = in.readNBytes(1 + 2 * HANDSHAKE_BYTES);
        if (s0s1s2.length != 1 + 2 * HANDSHAKE_BYTES || s0s1s2[0] != RTMP_VERSION) {
            throw new IOException("bad handshake answer");
        }
        beforeC2.run();
        out.write(s0s1s2, 1, HANDSHAKE_BYTES);
    }

    /** connect, createStream and play; returns the play's message stream id once Play.Start came back. */
    public int play(String app, String name) throws IOException {
        int streamId = requestPlay(app, name);
        awaitStatus("NetStream.Play.Start", 5_000);
        return streamId;
    }

    /** connect, createStream and play without waiting for the answer; returns the play's message stream id. */
    public int requestPlay(String app, String name) throws IOException {
        connect(app);
        int streamId = createStream();
        command(streamId, "play", null, name);
        return streamId;
    }

    /**
     * connect, createStream and publish (live); returns the onStatus the server answered the publish with, e.g.
     * NetStream.Publish.Start. Media then goes out with {@link #sendMedia}.
     */
    public Message publish(String app, String name) throws IOException {
        connect(app);
        publishStreamId = createStream();
        command(publishStreamId, "publish", null, name, "live");
        return awaitMessage(m -> m.statusCode() != null, 5_000);
    }

    /** Sends connect and waits for its _result. */
    public void connect(String app) throws IOException {
        command(0, "connect", Map.of("app", app));
        awaitMessage(m -> "_result".equals(first(m)), 5_000);
    }

    /** Sends connect and returns the answer, _result or _error (a refusal carries its reason in the status). */
    public Message connectAnswer(String app) throws IOException {
        command(0, "connect", Map.of("app", app));
        return awaitMessage(m -> "_result".equals(first(m)) || "_error".equals(first(m)), 5_000);
    }

    private int createStream() throws IOException {
        command(0, "createStream", (Object) null);
        Message created = awaitMessage(m -> "_result".equals(first(m)), 5_000);
        return ((Double) created.amf().get(3)).intValue();
    }

    /**
     * Sends one audio or video message (an FLV tag body) on the published stream, chunked with the chunk size in
     * force.
     */
    public void sendMedia(int typeId, long timestampMs, byte[] body) throws IOException {
        int chunkStreamId = typeId == MessageTypeIds.AUDIO ? AUDIO_CHUNK_STREAM_ID : VIDEO_CHUNK_STREAM_ID;
        int length = encoder.encode(outBuffer, 0, chunkStreamId, timestampMs, typeId, publishStreamId,
                new UnsafeBuffer(body), 0, body.length);
        out.write(outBuffer.byteArray(), 0, length);
        out.flush();
    }

    /** Sends Set Chunk Size; later messages from this client are chunked with it. */
    public void setChunkSize(int chunkSizeBytes) throws IOException {
        int length = encoder.writeSetChunkSize(outBuffer, 0, chunkSizeBytes);
        out.write(outBuffer.byteArray(), 0, length);
        out.flush();
    }

    /**
     * Sends only the fmt 0 chunk header of a video message announcing {@code lengthBytes} of payload, and none of
     * the payload: what a peer announcing an oversized message sends first.
     */
    public void sendVideoMessageHeader(int lengthBytes) throws IOException {
        byte[] header = new byte[FMT0_HEADER_BYTES];
        header[0] = VIDEO_CHUNK_STREAM_ID;
        header[4] = (byte) (lengthBytes >>> 16);
        header[5] = (byte) (lengthBytes >>> 8);
        header[6] = (byte) lengthBytes;
        header[7] = MessageTypeIds.VIDEO;
        header[8] = (byte) publishStreamId;
        sendRaw(header);
    }

    /** Writes bytes as they are. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command: name, a fresh transaction id, then the values. */
    public void command(int messageStreamId, String name, Object... values) throws IOException {
        amf.wrap(amfBuffer, 0).writeString(name).writeNumber(transactionId++);
        for (Object v : values) {
            amf.writeValue(v);
        }
        int length = encoder.encode(outBuffer, 0, messageStreamId == 0 ? COMMAND_CHUNK_STREAM_ID
                : PLAY_CHUNK_STREAM_ID, 0, MessageTypeIds.COMMAND_AMF0, messageStreamId, amfBuffer, 0, amf.length());
        out.write(outBuffer.byteArray(), 0, length);
        out.flush();
    }

    /** Reads until an onStatus with {@code code} arrives; returns it. */
    public Message awaitStatus(String code, long timeoutMs) throws IOException {
        return awaitMessage(m -> code.equals(m.statusCode()), timeoutMs);
    }

    /** Reads messages (keeping none) until one matches; fails on timeout or end of stream. */
    public Message awaitMessage(Predicate<Message> wanted, long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            Message m = nextMessage(deadline);
            if (wanted.test(m)) {
                return m;
            }
        }
    }

    /** The next message, reading as needed until {@code deadlineNanos}. */
    public Message nextMessage(long deadlineNanos) throws IOException {
        while (received.isEmpty()) {
            long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remainingMs <= 0) {
                throw new SocketTimeoutException("no message in time");
            }
            socket.setSoTimeout((int) Math.max(1, remainingMs));
            int n = in.read(readBytes);
            if (n < 0) {
                throw new IOException("server closed the connection");
            }
            decoder.decode(readView, 0, n);
        }
        return received.poll();
    }

    /** Whether the server closed the connection (reads what is left until end of stream or the deadline). */
    public boolean isClosedByServer(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (in.read(readBytes) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
        return false;
    }

    private static Object first(Message m) {
        return m.amf() == null || m.amf().isEmpty() ? null : m.amf().get(0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private final class Collector implements ChunkListener {
        @Override
        public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
            return true;
        }

        @Override
        public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
            byte[] payload = new byte[length];
            buffer.getBytes(offset, payload);
            List<Object> values = null;
            if (header.messageTypeId() == MessageTypeIds.COMMAND_AMF0
                    || header.messageTypeId() == MessageTypeIds.DATA_AMF0) {
                values = new Amf0Reader().wrap(buffer, offset, length).readAll();
            }
            received.add(new Message(header.messageTypeId(), header.messageStreamId(), header.timestampMs(),
                    payload, values));
        }

        @Override
        public void onMessageAborted(MessageHeader header) {
        }
    }
}
