package io.ringcast.ingest.testing;

import io.ringcast.ingest.chunk.ControlMessages;
import io.ringcast.ingest.chunk.MessageTypeIds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A hostile RTMP peer (issue 11, finding 4), before any {@code connect}: after the handshake it sets chunk size 1,
 * then on each of many chunk streams sends a message header announcing a long command message followed by one
 * payload byte, so that a server sizing buffers by the announced length allocates megabytes per client byte. It
 * can then {@link #fill} those messages for real, in large chunks, never completing one. One test thread per
 * instance.
 */
public final class PartialMessageFlood implements AutoCloseable {
    /** The 61 one-byte-form chunk stream ids after the protocol control stream 2: 3..63. */
    public static final int MAX_CHUNK_STREAMS = 61;
    private static final int FIRST_CHUNK_STREAM_ID = 3;
    private static final int CONTROL_CHUNK_STREAM_ID = 2;
    private static final int FMT_3 = 0xC0;
    private static final int FILL_CHUNK_SIZE_BYTES = 64 * 1024;
    private static final int PING_TIMEOUT_MS = 10_000;

    private final RawRtmpClient client;
    private int chunkSizeBytes = 1;
    private int streams;
    private int pingTimestamp;
    private long filledBytes;

    /** Connects and runs the handshake. */
    public PartialMessageFlood(int port) throws IOException {
        client = new RawRtmpClient(port, 0);
    }

    /**
     * Sets chunk size 1, then on chunk streams 3, 4, ... announces a command message of {@code announcedBytes} and
     * sends its first byte.
     *
     * @return client bytes sent
     */
    public int announce(int chunkStreams, int announcedBytes) throws IOException {
        if (chunkStreams < 1 || chunkStreams > MAX_CHUNK_STREAMS) {
            throw new IllegalArgumentException("1.." + MAX_CHUNK_STREAMS + " chunk streams: " + chunkStreams);
        }
        streams = chunkStreams;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(message(CONTROL_CHUNK_STREAM_ID, MessageTypeIds.SET_CHUNK_SIZE, uint32(1), 0));
        chunkSizeBytes = 1;
        for (int i = 0; i < chunkStreams; i++) {
            out.writeBytes(fmt0Header(FIRST_CHUNK_STREAM_ID + i, MessageTypeIds.COMMAND_AMF0, announcedBytes));
            out.write(0x02); // first byte of an AMF0 string: the command name that never comes
        }
        byte[] bytes = out.toByteArray();
        client.sendRaw(bytes);
        return bytes.length;
    }

    /**
     * Sends a ping and waits for its answer, which the server sends only after it decoded everything before it.
     *
     * @return false when the server closed the connection instead
     */
    public boolean pingAnswered() throws IOException {
        int timestamp = ++pingTimestamp;
        byte[] payload = ByteBuffer.allocate(6).putShort((short) ControlMessages.EVENT_PING_REQUEST)
                .putInt(timestamp).array();
        try {
            client.sendRaw(message(CONTROL_CHUNK_STREAM_ID, MessageTypeIds.USER_CONTROL, payload, chunkSizeBytes));
            client.awaitMessage(m -> m.typeId() == MessageTypeIds.USER_CONTROL
                    && ByteBuffer.wrap(m.payload()).getShort() == ControlMessages.EVENT_PING_RESPONSE
                    && ByteBuffer.wrap(m.payload()).getInt(2) == timestamp, PING_TIMEOUT_MS);
            return true;
        } catch (IOException closed) {
            if (closed instanceof java.net.SocketTimeoutException) {
                throw closed;
            }
            return false;
        }
    }

    /**
     * Sends up to {@code bytes} more payload into the announced messages, round robin in chunks of 64 KiB, never
     * completing one (stops early if that would).
     *
     * @return false when the server closed the connection before all were sent
     */
    public boolean fill(long bytes) throws IOException {
        try {
            if (chunkSizeBytes != FILL_CHUNK_SIZE_BYTES) {
                client.sendRaw(message(CONTROL_CHUNK_STREAM_ID, MessageTypeIds.SET_CHUNK_SIZE,
                        uint32(FILL_CHUNK_SIZE_BYTES), chunkSizeBytes));
                chunkSizeBytes = FILL_CHUNK_SIZE_BYTES;
            }
            byte[] chunk = new byte[1 + FILL_CHUNK_SIZE_BYTES];
            long sent = 0;
            for (int i = 0; sent < bytes; i++) {
                chunk[0] = (byte) (FMT_3 | (FIRST_CHUNK_STREAM_ID + (i % streams)));
                int payload = (int) Math.min(FILL_CHUNK_SIZE_BYTES, bytes - sent);
                client.sendRaw(java.util.Arrays.copyOf(chunk, 1 + payload));
                sent += payload;
                filledBytes += payload;
            }
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Payload bytes {@link #fill} sent so far. */
    public long filledBytes() {
        return filledBytes;
    }

    /** Whether the server closed the connection (reads until end of stream or the deadline). */
    public boolean isClosedByServer(long timeoutMs) throws IOException {
        return client.isClosedByServer(timeoutMs);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    private static byte[] fmt0Header(int chunkStreamId, int typeId, int length) {
        return new byte[] {(byte) chunkStreamId, 0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8),
            (byte) length, (byte) typeId, 0, 0, 0, 0};
    }

    /** One whole message on {@code chunkStreamId}, chunked at {@code chunkSize} (0: in one chunk). */
    private static byte[] message(int chunkStreamId, int typeId, byte[] payload, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fmt0Header(chunkStreamId, typeId, payload.length));
        int size = chunkSize == 0 ? payload.length : chunkSize;
        for (int offset = 0; offset < payload.length; offset += size) {
            if (offset > 0) {
                out.write(FMT_3 | chunkStreamId);
            }
            out.write(payload, offset, Math.min(size, payload.length - offset));
        }
        return out.toByteArray();
    }

    private static byte[] uint32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
