package io.ringcast.broadcast.media.vp9;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import java.util.Arrays;
import org.agrona.DirectBuffer;

/**
 * A VPCodecConfigurationRecord behind its FullBox version and flags (VP Codec ISO Media File Format Binding v1.0,
 * 2.2: the vpcC box payload), the body of an Enhanced RTMP 'vp09' SequenceStart; immutable and shared between
 * threads. It names profile, level, bit depth and colour, not the picture size (that is in each key frame's
 * uncompressed header). Parsed once per sequence start, so {@link #parse} allocates.
 * <pre>
 *  0 version (1) | 1..3 flags | 4 profile | 5 level | 6 bitDepth 4 | chromaSubsampling 3 | fullRange 1 |
 *  7 colourPrimaries | 8 transferCharacteristics | 9 matrixCoefficients | 10..11 codecInitializationDataSize | data
 * </pre>
 */
public final class VpCodecConfigurationRecord implements CodecConfiguration {
    /** Bytes up to and including codecInitializationDataSize. */
    public static final int FIXED_LENGTH = 12;

    private static final int PROFILE_OFFSET = 4;
    private static final int LEVEL_OFFSET = 5;
    private static final int BIT_DEPTH_OFFSET = 6;
    private static final int BIT_DEPTH_SHIFT = 4;
    private static final int CHROMA_SHIFT = 1;
    private static final int CHROMA_MASK = 0x07;

    private final byte[] record;

    private VpCodecConfigurationRecord(final byte[] record) {
        this.record = record;
    }

    /**
     * Parses the record at {@code buffer[offset, offset + length)}.
     *
     * @throws MediaFormatException if it is shorter than its fixed fields.
     */
    public static VpCodecConfigurationRecord parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length < FIXED_LENGTH) {
            throw new MediaFormatException("vp9 config truncated", "length=" + length);
        }
        final byte[] record = new byte[length];
        buffer.getBytes(offset, record);
        return new VpCodecConfigurationRecord(record);
    }

    /**
     * @return the VP9 profile, 0 to 3.
     */
    public int profile() {
        return record[PROFILE_OFFSET] & 0xFF;
    }

    /**
     * @return the level, ten times the VP9 level (31 for 3.1), 0 when unspecified.
     */
    public int level() {
        return record[LEVEL_OFFSET] & 0xFF;
    }

    /**
     * @return bits per sample: 8, 10 or 12.
     */
    public int bitDepth() {
        return (record[BIT_DEPTH_OFFSET] & 0xFF) >>> BIT_DEPTH_SHIFT;
    }

    /**
     * @return chromaSubsampling: 0 4:2:0 vertical, 1 4:2:0 colocated, 2 4:2:2, 3 4:4:4.
     */
    public int chromaSubsampling() {
        return (record[BIT_DEPTH_OFFSET] >>> CHROMA_SHIFT) & CHROMA_MASK;
    }

    /**
     * @return the record's bytes as carried in the sequence start (the vpcC box payload); a copy.
     */
    public byte[] toBytes() {
        return record.clone();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof VpCodecConfigurationRecord r && Arrays.equals(record, r.record);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(record);
    }

    @Override
    public String toString() {
        return "VpCodecConfigurationRecord[profile " + profile() + ", level " + level() + ", " + bitDepth() + " bit]";
    }
}
