package io.ringcast.ingest.handshake;

import io.ringcast.ingest.RtmpProtocolException;
import java.util.random.RandomGenerator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Incremental client side of the simple RTMP handshake (Adobe RTMP specification 5.2); one instance per
 * connection, owned by the thread that opens it (an upstream client's).
 * <p>
 * Send {@link #request()} (C0+C1) first, then feed received bytes to {@link #consume} in whatever pieces they
 * arrive. Once S0, S1 and S2 are in, {@link #isComplete()} turns true and {@link #acknowledgement()} holds C2 (an
 * echo of S1) to send; bytes after S2 belong to the chunk stream and are not consumed.
 * <pre>
 *  client: C0 (1: version 3) | C1 (1536: time, zero, random)   ...   C2 (1536: echo of S1)
 *  server: S0 (1: version 3) | S1 (1536)                       | S2 (1536, echo of C1, not checked)
 * </pre>
 * C1's zero version field asks for the simple handshake: nginx-rtmp and ringcast's {@link HandshakeResponder}
 * answer it without digests. S2 is consumed but not validated, as servers answering a digest handshake to an old
 * client may send anything there.
 */
public final class HandshakeInitiator {
    /** Length of C0 + C1. */
    public static final int REQUEST_LENGTH = HandshakeResponder.VERSION_LENGTH + HandshakeResponder.PACKET_LENGTH;
    private static final int TIME_OFFSET = 0;
    private static final int RANDOM_OFFSET = 8;
    private static final int SERVER_PACKETS_LENGTH = 2 * HandshakeResponder.PACKET_LENGTH;

    private final byte[] request = new byte[REQUEST_LENGTH];
    private final byte[] c2 = new byte[HandshakeResponder.PACKET_LENGTH];
    private boolean versionReceived;
    /** Bytes of S1 then S2 received. */
    private int packetBytes;

    /**
     * @param random       source of C1's random bytes
     * @param clientTimeMs value of C1's time field (the client's epoch, in milliseconds)
     */
    public HandshakeInitiator(final RandomGenerator random, final int clientTimeMs) {
        request[0] = (byte)HandshakeResponder.RTMP_VERSION;
        final int c1 = HandshakeResponder.VERSION_LENGTH;
        request[c1 + TIME_OFFSET] = (byte)(clientTimeMs >>> 24);
        request[c1 + TIME_OFFSET + 1] = (byte)(clientTimeMs >>> 16);
        request[c1 + TIME_OFFSET + 2] = (byte)(clientTimeMs >>> 8);
        request[c1 + TIME_OFFSET + 3] = (byte)clientTimeMs;
        for (int i = c1 + RANDOM_OFFSET; i < REQUEST_LENGTH; i++) {
            request[i] = (byte)random.nextInt();
        }
    }

    /**
     * @return C0+C1, {@link #REQUEST_LENGTH} bytes, to send before anything is read.
     */
    public byte[] request() {
        return request;
    }

    /**
     * Consumes S0, S1 and S2; never consumes past the end of S2.
     *
     * @return number of bytes consumed, less than {@code length} only once the handshake is complete
     * @throws RtmpProtocolException if S0 carries a version other than 3
     */
    public int consume(final DirectBuffer src, final int offset, final int length) {
        int position = offset;
        final int end = offset + length;
        if (!versionReceived && position < end) {
            final int version = src.getByte(position++) & 0xFF;
            if (version != HandshakeResponder.RTMP_VERSION) {
                throw new RtmpProtocolException("bad rtmp version from server", Integer.toString(version));
            }
            versionReceived = true;
        }
        final int take = Math.min(SERVER_PACKETS_LENGTH - packetBytes, end - position);
        if (take > 0) {
            if (packetBytes < HandshakeResponder.PACKET_LENGTH) {
                final int s1Bytes = Math.min(take, HandshakeResponder.PACKET_LENGTH - packetBytes);
                src.getBytes(position, c2, packetBytes, s1Bytes);
            }
            packetBytes += take;
            position += take;
        }
        return position - offset;
    }

    /**
     * @return true once S0, S1 and S2 are in; send {@link #acknowledgement()} then
     */
    public boolean isComplete() {
        return versionReceived && packetBytes == SERVER_PACKETS_LENGTH;
    }

    /**
     * @return C2, the echo of S1, {@link HandshakeResponder#PACKET_LENGTH} bytes; valid once complete
     */
    public DirectBuffer acknowledgement() {
        if (!isComplete()) {
            throw new IllegalStateException("S0+S1+S2 not yet received");
        }
        return new UnsafeBuffer(c2);
    }
}
