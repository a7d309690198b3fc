package io.ringcast.ingest.handshake;

import io.ringcast.ingest.RtmpProtocolException;
import java.util.random.RandomGenerator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Incremental, non-blocking server side of the RTMP handshake (Adobe RTMP specification 5.2); one instance per
 * connection, owned by that connection's ingest thread.
 * <p>
 * Feed received bytes to {@link #consume(DirectBuffer, int, int)} in whatever pieces they arrive. Once C0 and C1
 * are complete, {@link #isResponseReady()} turns true and {@link #response()} holds S0+S1+S2 to send. After C2,
 * {@link #isComplete()} turns true and {@code consume} stops consuming: the bytes it did not consume belong to
 * the chunk stream and must be handed to the chunk decoder.
 * <pre>
 *  client: C0 (1: version 3) | C1 (1536: time, zero/version, random)            | C2 (1536, echo of S1)
 *  server: S0 (1: version 3) | S1 (1536: time, zero/version, random[+digest])   | S2 (1536, echo of C1 or digest)
 * </pre>
 * If C1 carries a valid Flash Player digest (either scheme) the digest handshake is answered: S1 carries an FMS
 * digest in the same scheme and S2 ends with HMAC(HMAC(FMS key, C1 digest), S2 random). Otherwise the simple
 * handshake: S1 is time, zero, random and S2 echoes C1. C2 is consumed but not validated.
 */
public final class HandshakeResponder {
    /** The only RTMP version this server speaks, carried by C0 and S0. */
    public static final int RTMP_VERSION = 3;
    /** Length of C0 and S0. */
    public static final int VERSION_LENGTH = 1;
    /** Length of each of C1, C2, S1 and S2. */
    public static final int PACKET_LENGTH = 1536;
    /** Length of S0 + S1 + S2. */
    public static final int RESPONSE_LENGTH = VERSION_LENGTH + 2 * PACKET_LENGTH;

    /** Server version written into a digest S1 (FMS 4.5.0.1 style); clients only require it to be non-zero. */
    private static final int SERVER_VERSION = 0x04050001;
    private static final int TIME_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int RANDOM_OFFSET = 8;
    private static final int S1_OFFSET = VERSION_LENGTH;
    private static final int S2_OFFSET = VERSION_LENGTH + PACKET_LENGTH;
    /** Length of the random part of a digest S2 that its trailing digest signs. */
    private static final int S2_SIGNED_LENGTH = PACKET_LENGTH - HandshakeDigest.DIGEST_LENGTH;

    /** Handshake progress, in wire order. */
    public enum State {
        /** Waiting for the version byte. */
        AWAITING_C0,
        /** Waiting for (the rest of) C1. */
        AWAITING_C1,
        /** S0+S1+S2 ready; waiting for (the rest of) C2. */
        AWAITING_C2,
        /** C2 received; further bytes belong to the chunk stream. */
        DONE
    }

    private final RandomGenerator random;
    private final int serverTimeMs;
    private final byte[] c1 = new byte[PACKET_LENGTH];
    private final byte[] response = new byte[RESPONSE_LENGTH];
    private final UnsafeBuffer responseBuffer = new UnsafeBuffer(response);
    private State state = State.AWAITING_C0;
    private int c1Received;
    private int c2Received;
    private boolean digestHandshake;

    /**
     * @param random       source of the S1/S2 random bytes.
     * @param serverTimeMs value of the S1 time field (the server's epoch, in milliseconds).
     */
    public HandshakeResponder(final RandomGenerator random, final int serverTimeMs) {
        if (random == null) {
            throw new IllegalArgumentException("random must not be null");
        }
        this.random = random;
        this.serverTimeMs = serverTimeMs;
    }

    /**
     * Consumes handshake bytes; never consumes past the end of C2.
     *
     * @param src    received bytes.
     * @param offset index of the first byte to read.
     * @param length number of readable bytes.
     * @return number of bytes consumed, less than {@code length} only once the handshake is complete; the rest
     *         belongs to the chunk stream.
     * @throws RtmpProtocolException if C0 carries a version other than 3.
     */
    public int consume(final DirectBuffer src, final int offset, final int length) {
        int position = offset;
        final int end = offset + length;
        while (position < end && state != State.DONE) {
            switch (state) {
                case AWAITING_C0:
                    final int version = src.getByte(position++) & 0xFF;
                    if (version != RTMP_VERSION) {
                        throw new RtmpProtocolException("bad rtmp version", Integer.toString(version));
                    }
                    state = State.AWAITING_C1;
                    break;

                case AWAITING_C1:
                    final int c1Bytes = Math.min(PACKET_LENGTH - c1Received, end - position);
                    src.getBytes(position, c1, c1Received, c1Bytes);
                    position += c1Bytes;
                    c1Received += c1Bytes;
                    if (c1Received == PACKET_LENGTH) {
                        buildResponse();
                        state = State.AWAITING_C2;
                    }
                    break;

                case AWAITING_C2:
                    final int c2Bytes = Math.min(PACKET_LENGTH - c2Received, end - position);
                    position += c2Bytes;
                    c2Received += c2Bytes;
                    if (c2Received == PACKET_LENGTH) {
                        state = State.DONE;
                    }
                    break;

                default:
                    throw new IllegalStateException(state.name());
            }
        }
        return position - offset;
    }

    /**
     * @return current progress.
     */
    public State state() {
        return state;
    }

    /**
     * @return true once C0 and C1 are in and {@link #response()} holds S0+S1+S2.
     */
    public boolean isResponseReady() {
        return state == State.AWAITING_C2 || state == State.DONE;
    }

    /**
     * @return true once C2 is in; further bytes belong to the chunk stream.
     */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /**
     * @return true if C1 carried a valid Flash Player digest and the digest handshake was answered.
     */
    public boolean isDigestHandshake() {
        return digestHandshake;
    }

    /**
     * S0+S1+S2, {@link #RESPONSE_LENGTH} bytes from index 0; valid once {@link #isResponseReady()}, and for the
     * life of this responder.
     *
     * @return the response bytes.
     */
    public DirectBuffer response() {
        if (!isResponseReady()) {
            throw new IllegalStateException("C1 not yet received");
        }
        return responseBuffer;
    }

    /**
     * @return {@link #RESPONSE_LENGTH}.
     */
    public int responseLength() {
        return RESPONSE_LENGTH;
    }

    private void buildResponse() {
        response[0] = (byte)RTMP_VERSION;
        final HandshakeDigest digest = new HandshakeDigest();
        final int scheme = isZero(c1, VERSION_OFFSET) ? -1 : digest.findClientScheme(c1);
        digestHandshake = scheme >= 0;

        final byte[] s1 = new byte[PACKET_LENGTH];
        putInt(s1, TIME_OFFSET, serverTimeMs);
        putInt(s1, VERSION_OFFSET, digestHandshake ? SERVER_VERSION : 0);
        fillRandom(s1, RANDOM_OFFSET, PACKET_LENGTH - RANDOM_OFFSET);

        if (digestHandshake) {
            final int s1DigestOffset = HandshakeDigest.digestOffset(s1, scheme);
            final byte[] s1Digest = digest.packetDigest(
                s1, s1DigestOffset, HandshakeDigest.FMS_KEY_SHORT, HandshakeDigest.FMS_KEY_SHORT.length);
            System.arraycopy(s1Digest, 0, s1, s1DigestOffset, HandshakeDigest.DIGEST_LENGTH);

            final int c1DigestOffset = HandshakeDigest.digestOffset(c1, scheme);
            final byte[] s2Key = digest.hmac(
                HandshakeDigest.FMS_KEY_FULL, c1, c1DigestOffset, HandshakeDigest.DIGEST_LENGTH);
            fillRandom(response, S2_OFFSET, S2_SIGNED_LENGTH);
            final byte[] s2Digest = digest.hmac(s2Key, response, S2_OFFSET, S2_SIGNED_LENGTH);
            System.arraycopy(s2Digest, 0, response, S2_OFFSET + S2_SIGNED_LENGTH, HandshakeDigest.DIGEST_LENGTH);
        } else {
            System.arraycopy(c1, 0, response, S2_OFFSET, PACKET_LENGTH);
        }
        System.arraycopy(s1, 0, response, S1_OFFSET, PACKET_LENGTH);
    }

    private void fillRandom(final byte[] dst, final int offset, final int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            dst[i] = (byte)random.nextInt();
        }
    }

    private static boolean isZero(final byte[] bytes, final int offset) {
        return (bytes[offset] | bytes[offset + 1] | bytes[offset + 2] | bytes[offset + 3]) == 0;
    }

    private static void putInt(final byte[] dst, final int offset, final int value) {
        dst[offset] = (byte)(value >>> 24);
        dst[offset + 1] = (byte)(value >>> 16);
        dst[offset + 2] = (byte)(value >>> 8);
        dst[offset + 3] = (byte)value;
    }
}
