package io.ringcast.perf.load.rtmp;

import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.handshake.HandshakeResponder;
import java.util.concurrent.ThreadLocalRandom;
import org.agrona.DirectBuffer;

/**
 * The client side of the simple RTMP handshake (Adobe RTMP specification 5.2), incremental so a non-blocking
 * connection can feed it bytes as they come; one instance per connection, on its owning thread.
 * <pre>
 *  client: C0 (1: version 3) | C1 (1536: time 0, zero, random)   then, after S0+S1+S2:  C2 (1536: echo of S1)
 *  server: S0 (1: version 3) | S1 (1536) | S2 (1536, echo of C1, or a digest answer we do not check)
 * </pre>
 * A zero version field in C1 asks for the simple handshake, which every server (ringcast, nginx-rtmp, SRS)
 * answers without digests.
 */
public final class RtmpClientHandshake {
    private static final int VERSION_LENGTH = HandshakeResponder.VERSION_LENGTH;
    private static final int PACKET_LENGTH = HandshakeResponder.PACKET_LENGTH;
    private static final int RANDOM_OFFSET = 8;
    /** S0 + S1 + S2. */
    public static final int SERVER_RESPONSE_LENGTH = HandshakeResponder.RESPONSE_LENGTH;

    private final byte[] c0c1 = new byte[VERSION_LENGTH + PACKET_LENGTH];
    private final byte[] c2 = new byte[PACKET_LENGTH];
    private int received;

    public RtmpClientHandshake() {
        c0c1[0] = HandshakeResponder.RTMP_VERSION;
        byte[] random = new byte[PACKET_LENGTH - RANDOM_OFFSET];
        ThreadLocalRandom.current().nextBytes(random);
        System.arraycopy(random, 0, c0c1, VERSION_LENGTH + RANDOM_OFFSET, random.length);
    }

    /** C0 and C1, to send first. */
    public byte[] c0c1() {
        return c0c1;
    }

    /**
     * Consumes server handshake bytes, never past the end of S2.
     *
     * @return bytes consumed; the rest belong to the chunk stream
     * @throws RtmpProtocolException if S0 names another version
     */
    public int consume(DirectBuffer buffer, int offset, int length) {
        int count = Math.min(length, SERVER_RESPONSE_LENGTH - received);
        for (int i = 0; i < count; i++) {
            int index = received + i;
            byte b = buffer.getByte(offset + i);
            if (index == 0 && b != HandshakeResponder.RTMP_VERSION) {
                throw new RtmpProtocolException("unsupported RTMP version in S0", Integer.toString(b & 0xFF));
            }
            if (index >= VERSION_LENGTH && index < VERSION_LENGTH + PACKET_LENGTH) {
                c2[index - VERSION_LENGTH] = b;
            }
        }
        received += count;
        return count;
    }

    /** Server bytes that complete the packet in progress: S0, S1 or S2 (0 once all arrived). */
    public int bytesToPacketEnd() {
        if (received < VERSION_LENGTH) {
            return VERSION_LENGTH - received;
        }
        if (received < VERSION_LENGTH + PACKET_LENGTH) {
            return VERSION_LENGTH + PACKET_LENGTH - received;
        }
        return SERVER_RESPONSE_LENGTH - received;
    }

    /** Whether S0, S1 and S2 have all arrived, so {@link #c2()} is ready and the chunk stream begins. */
    public boolean isComplete() {
        return received == SERVER_RESPONSE_LENGTH;
    }

    /** C2, the echo of S1; valid once {@link #isComplete()}. */
    public byte[] c2() {
        return c2;
    }
}
