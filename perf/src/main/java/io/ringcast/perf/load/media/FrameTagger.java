package io.ringcast.perf.load.media;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Marks H.264 frames with a sequence number in an SEI NAL unit placed before the frame's own NAL units, and reads
 * it back from the first bytes of a received video tag body. Stateless; any thread.
 * <pre>
 *  FLV video tag body, AVCPacketType 1, 4-byte NAL unit lengths (FLV specification v10.1, E.4.3.1):
 *  | frame type, codec id | AVCPacketType | composition time (24) | length = 36 (32) | SEI NAL (36) | own NALUs ...
 *                                                                  `-- inserted (TAG_BYTES) --------'
 *  SEI NAL (ITU-T H.264 7.3.2.3.1 and Annex D, user_data_unregistered):
 *  | nal header 0x06 | payloadType 5 | payloadSize 32 | uuid (16) | sequence as 16 hex digits | trailing 0x80 |
 * </pre>
 * No byte of the NAL unit is zero, so it needs no emulation prevention bytes; decoders skip user data they do not
 * know. A viewer needs only the first {@link #PREFIX_BYTES} bytes of a tag body to identify the frame.
 */
public final class FrameTagger {
    /** What a body read by {@link #readSequence} carries when it has no tag of ours. */
    public static final long NO_SEQUENCE = -1;
    /** Frame type, codec id, AVCPacketType and composition time. */
    public static final int AVC_HEADER_BYTES = 5;
    /** Bytes inserted into every frame: length prefix and SEI NAL unit. */
    public static final int TAG_BYTES = 40;
    /** Bytes of a tag body that identify the frame. */
    public static final int PREFIX_BYTES = AVC_HEADER_BYTES + TAG_BYTES;

    private static final byte[] UUID = "ringcast-loadgen".getBytes(StandardCharsets.US_ASCII);
    private static final int NAL_LENGTH_BYTES = 4;
    private static final int NAL_UNIT_BYTES = TAG_BYTES - NAL_LENGTH_BYTES;
    private static final int NAL_TYPE_SEI = 6;
    private static final int PAYLOAD_TYPE_USER_DATA_UNREGISTERED = 5;
    private static final int DIGITS = 16;
    private static final int PAYLOAD_BYTES = 16 + DIGITS;
    private static final int RBSP_TRAILING_BITS = 0x80;
    private static final int AVC_PACKET_TYPE_OFFSET = 1;
    private static final int AVC_PACKET_TYPE_NALU = 1;
    private static final int NAL_OFFSET = AVC_HEADER_BYTES + NAL_LENGTH_BYTES;
    private static final int UUID_OFFSET = NAL_OFFSET + 3;
    private static final int DIGITS_OFFSET = UUID_OFFSET + 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int NIBBLE_BITS = 4;
    private static final int NIBBLE_MASK = 0xF;
    private static final int HEX_LETTER_BASE = 10;

    private FrameTagger() {
    }

    /**
     * A copy of an AVC NALU tag body with a tag for sequence 0 inserted; {@link #writeSequence} numbers it.
     *
     * @throws IllegalArgumentException if the body is no AVC NALU tag body
     */
    public static byte[] withTag(byte[] avcBody) {
        if (!FlvFile.isAvc(avcBody) || avcBody.length < AVC_HEADER_BYTES
                || avcBody[AVC_PACKET_TYPE_OFFSET] != AVC_PACKET_TYPE_NALU) {
            throw new IllegalArgumentException("not an AVC NALU tag body");
        }
        byte[] tagged = new byte[avcBody.length + TAG_BYTES];
        System.arraycopy(avcBody, 0, tagged, 0, AVC_HEADER_BYTES);
        int p = AVC_HEADER_BYTES;
        tagged[p++] = 0;
        tagged[p++] = 0;
        tagged[p++] = 0;
        tagged[p++] = NAL_UNIT_BYTES;
        tagged[p++] = NAL_TYPE_SEI;
        tagged[p++] = PAYLOAD_TYPE_USER_DATA_UNREGISTERED;
        tagged[p++] = PAYLOAD_BYTES;
        System.arraycopy(UUID, 0, tagged, p, UUID.length);
        p += UUID.length + DIGITS;
        tagged[p++] = (byte) RBSP_TRAILING_BITS;
        System.arraycopy(avcBody, AVC_HEADER_BYTES, tagged, p, avcBody.length - AVC_HEADER_BYTES);
        writeSequence(tagged, 0);
        return tagged;
    }

    /** Writes {@code sequence} into a body made by {@link #withTag}; no allocation. */
    public static void writeSequence(byte[] taggedBody, long sequence) {
        long value = sequence;
        for (int i = DIGITS_OFFSET + DIGITS - 1; i >= DIGITS_OFFSET; i--) {
            taggedBody[i] = HEX[(int) (value & NIBBLE_MASK)];
            value >>>= NIBBLE_BITS;
        }
    }

    /**
     * Reads the sequence number from the start of a video tag body.
     *
     * @param length bytes available from {@code offset}; fewer than {@link #PREFIX_BYTES} give no sequence
     * @return the sequence number, or {@link #NO_SEQUENCE} if the body does not start with our tag
     */
    public static long readSequence(DirectBuffer body, int offset, int length) {
        if (length < PREFIX_BYTES || body.getByte(offset + AVC_PACKET_TYPE_OFFSET) != AVC_PACKET_TYPE_NALU
                || body.getByte(offset + NAL_OFFSET - 1) != NAL_UNIT_BYTES
                || body.getByte(offset + NAL_OFFSET) != NAL_TYPE_SEI
                || body.getByte(offset + NAL_OFFSET + 1) != PAYLOAD_TYPE_USER_DATA_UNREGISTERED
                || body.getByte(offset + NAL_OFFSET + 2) != PAYLOAD_BYTES) {
            return NO_SEQUENCE;
        }
        for (int i = 0; i < UUID.length; i++) {
            if (body.getByte(offset + UUID_OFFSET + i) != UUID[i]) {
                return NO_SEQUENCE;
            }
        }
        long value = 0;
        for (int i = 0; i < DIGITS; i++) {
            int digit = hexValue(body.getByte(offset + DIGITS_OFFSET + i));
            if (digit < 0) {
                return NO_SEQUENCE;
            }
            value = value << NIBBLE_BITS | digit;
        }
        return value;
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        return b >= 'a' && b <= 'f' ? b - 'a' + HEX_LETTER_BASE : -1;
    }
}
