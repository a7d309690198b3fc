package io.ringcast.ingest.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 digests of the digest ("complex") RTMP handshake as documented by the community for Flash Player
 * and Flash Media Server; one instance per connection, used only by the connection's ingest thread.
 * <p>
 * A 1536-byte C1/S1 packet hides a 32-byte digest either in its first or in its second 764-byte block:
 * <pre>
 *  0        4          8                                 772                                1536
 *  +--------+----------+----------------------------------+-----------------------------------+
 *  |  time  | version  |   block A (764 bytes)            |   block B (764 bytes)             |
 *  +--------+----------+----------------------------------+-----------------------------------+
 *  scheme 0: digest in block A at 12 + (sum of bytes 8..11 mod 728)
 *  scheme 1: digest in block B at 776 + (sum of bytes 772..775 mod 728)
 * </pre>
 * The digest is the HMAC of the whole packet without the 32 digest bytes.
 */
final class HandshakeDigest {
    /** Length of an HMAC-SHA256 digest. */
    static final int DIGEST_LENGTH = 32;
    /** Digest placed in the first block after time and version. */
    static final int SCHEME_0 = 0;
    /** Digest placed in the second block. */
    static final int SCHEME_1 = 1;
    /** Number of digest schemes. */
    static final int SCHEME_COUNT = 2;

    private static final int SCHEME_0_OFFSET_BYTES = 8;
    private static final int SCHEME_1_OFFSET_BYTES = 772;
    private static final int OFFSET_FIELD_LENGTH = 4;
    /** Block length (764) less the 4-byte offset field and the 32-byte digest. */
    private static final int OFFSET_MODULUS = 728;

    private static final byte[] FMS_KEY_SUFFIX = {
        (byte)0xF0, (byte)0xEE, (byte)0xC2, (byte)0x4A, (byte)0x80, (byte)0x68, (byte)0xBE, (byte)0xE8,
        (byte)0x2E, (byte)0x00, (byte)0xD0, (byte)0xD1, (byte)0x02, (byte)0x9E, (byte)0x7E, (byte)0x57,
        (byte)0x6E, (byte)0xEC, (byte)0x5D, (byte)0x2D, (byte)0x29, (byte)0x80, (byte)0x6F, (byte)0xAB,
        (byte)0x93, (byte)0xB8, (byte)0xE6, (byte)0x36, (byte)0xCF, (byte)0xEB, (byte)0x31, (byte)0xAE };

    /** "Genuine Adobe Flash Player 001": the key a client signs C1 with. */
    static final byte[] FLASH_PLAYER_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    /** "Genuine Adobe Flash Media Server 001": the 36-byte prefix a server signs S1 with. */
    static final byte[] FMS_KEY_SHORT = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    /** The 68-byte server key: the short key followed by 32 fixed bytes; keys the S2 digest. */
    static final byte[] FMS_KEY_FULL = concat(FMS_KEY_SHORT, FMS_KEY_SUFFIX);

    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;

    HandshakeDigest() {
        try {
            mac = Mac.getInstance(ALGORITHM);
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException("JRE lacks " + ALGORITHM, ex);
        }
    }

    /**
     * @return offset of the digest inside a 1536-byte packet for the given scheme.
     */
    static int digestOffset(final byte[] packet, final int scheme) {
        final int base = scheme == SCHEME_0 ? SCHEME_0_OFFSET_BYTES : SCHEME_1_OFFSET_BYTES;
        int sum = 0;
        for (int i = 0; i < OFFSET_FIELD_LENGTH; i++) {
            sum += packet[base + i] & 0xFF;
        }
        return base + OFFSET_FIELD_LENGTH + (sum % OFFSET_MODULUS);
    }

    /**
     * HMAC of the packet with the 32 bytes at {@code digestOffset} left out.
     */
    byte[] packetDigest(final byte[] packet, final int digestOffset, final byte[] key, final int keyLength) {
        init(key, keyLength);
        mac.update(packet, 0, digestOffset);
        final int after = digestOffset + DIGEST_LENGTH;
        mac.update(packet, after, packet.length - after);
        return mac.doFinal();
    }

    /**
     * Plain HMAC of {@code data[offset, offset + length)}.
     */
    byte[] hmac(final byte[] key, final byte[] data, final int offset, final int length) {
        init(key, key.length);
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    /**
     * @return the scheme whose digest validates with the Flash Player key, or -1 if neither does.
     */
    int findClientScheme(final byte[] c1) {
        for (int scheme = 0; scheme < SCHEME_COUNT; scheme++) {
            final int offset = digestOffset(c1, scheme);
            final byte[] expected = packetDigest(c1, offset, FLASH_PLAYER_KEY, FLASH_PLAYER_KEY.length);
            if (Arrays.equals(expected, 0, DIGEST_LENGTH, c1, offset, offset + DIGEST_LENGTH)) {
                return scheme;
            }
        }
        return -1;
    }

    private void init(final byte[] key, final int keyLength) {
        try {
            mac.init(new SecretKeySpec(key, 0, keyLength, ALGORITHM));
        } catch (final GeneralSecurityException ex) {
            throw new IllegalStateException("bad HMAC key", ex);
        }
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
