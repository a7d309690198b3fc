package io.ringcast.broadcast.media.av1;

import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding v1.2.0, 2.3.3), the body of an Enhanced
 * RTMP 'av01' SequenceStart, with the sequence header OBU among its configOBUs parsed; immutable and shared between
 * threads. Parsed once per sequence start, so {@link #parse} allocates.
 * <pre>
 *  0: marker 1 | version 7          1: seq_profile 3 | seq_level_idx_0 5
 *  2: seq_tier_0 1 | high_bitdepth 1 | twelve_bit 1 | monochrome 1 | subsampling_x 1 | subsampling_y 1 |
 *     chroma_sample_position 2
 *  3: reserved 3 | initial_presentation_delay_present 1 | initial_presentation_delay_minus_one 4
 *  4..: configOBUs (low overhead bitstream format: OBU header, leb128 size, payload)
 *  OBU header: forbidden 1 | obu_type 4 | extension_flag 1 | has_size_field 1 | reserved 1 | [extension byte]
 * </pre>
 */
public final class Av1CodecConfigurationRecord implements CodecConfiguration {
    /** Bytes in front of the configOBUs. */
    public static final int FIXED_LENGTH = 4;
    /** obu_type of a sequence header. */
    public static final int OBU_SEQUENCE_HEADER = 1;

    private static final int MARKER_AND_VERSION = 0x81;
    private static final int PROFILE_SHIFT = 5;
    private static final int LEVEL_MASK = 0x1F;
    private static final int OBU_TYPE_SHIFT = 3;
    private static final int OBU_TYPE_MASK = 0x0F;
    private static final int OBU_EXTENSION_FLAG = 0x04;
    private static final int OBU_HAS_SIZE_FLAG = 0x02;
    private static final int LEB128_MAX_BYTES = 8;
    private static final int LEB128_VALUE_BITS = 7;
    private static final int LEB128_MORE = 0x80;
    private static final int LEB128_VALUE_MASK = 0x7F;

    private final byte[] record;
    private final Av1SequenceHeader sequenceHeader;

    private Av1CodecConfigurationRecord(final byte[] record, final Av1SequenceHeader sequenceHeader) {
        this.record = record;
        this.sequenceHeader = sequenceHeader;
    }

    /**
     * Parses the record at {@code buffer[offset, offset + length)} and the first sequence header OBU in it.
     *
     * @throws MediaFormatException if the record is truncated, has a wrong marker or version, or an OBU runs past
     *                              its end.
     */
    public static Av1CodecConfigurationRecord parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length < FIXED_LENGTH) {
            throw new MediaFormatException("av1 config truncated", "length=" + length);
        }
        final int markerAndVersion = buffer.getByte(offset) & 0xFF;
        if (markerAndVersion != MARKER_AND_VERSION) {
            throw new MediaFormatException("av1 config bad version", Integer.toString(markerAndVersion));
        }
        final byte[] record = new byte[length];
        buffer.getBytes(offset, record);
        final UnsafeBuffer bytes = new UnsafeBuffer(record);
        Av1SequenceHeader sequenceHeader = null;
        int p = FIXED_LENGTH;
        while (p < length) {
            final int header = record[p] & 0xFF;
            int payload = p + 1 + ((header & OBU_EXTENSION_FLAG) != 0 ? 1 : 0);
            final int size;
            if ((header & OBU_HAS_SIZE_FLAG) != 0) {
                long value = 0;
                int i = 0;
                int b;
                do {
                    if (payload >= length || i == LEB128_MAX_BYTES) {
                        throw new MediaFormatException("av1 config truncated", "obu size");
                    }
                    b = record[payload++] & 0xFF;
                    value |= (long)(b & LEB128_VALUE_MASK) << (i++ * LEB128_VALUE_BITS);
                } while ((b & LEB128_MORE) != 0);
                if (value > length - payload) {
                    throw new MediaFormatException("av1 config truncated", "obu of " + value + " bytes");
                }
                size = (int)value;
            } else {
                size = length - payload;
            }
            if (payload > length) {
                throw new MediaFormatException("av1 config truncated", "obu header");
            }
            if (sequenceHeader == null && ((header >>> OBU_TYPE_SHIFT) & OBU_TYPE_MASK) == OBU_SEQUENCE_HEADER) {
                sequenceHeader = Av1SequenceHeader.parse(bytes, payload, size);
            }
            p = payload + size;
        }
        return new Av1CodecConfigurationRecord(record, sequenceHeader);
    }

    /**
     * @return seq_profile as the record states it.
     */
    public int profile() {
        return (record[1] & 0xFF) >>> PROFILE_SHIFT;
    }

    /**
     * @return seq_level_idx_0 as the record states it.
     */
    public int levelIdx() {
        return record[1] & LEVEL_MASK;
    }

    /**
     * @return the parsed sequence header OBU of the configOBUs, or null when the record carries none (then the
     *         first key frame does, and the size stays unknown here).
     */
    public Av1SequenceHeader sequenceHeader() {
        return sequenceHeader;
    }

    /**
     * @return the record's bytes as carried in the sequence start (the av1C box payload); a copy.
     */
    public byte[] toBytes() {
        return record.clone();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Av1CodecConfigurationRecord r && Arrays.equals(record, r.record);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(record);
    }

    @Override
    public String toString() {
        return "Av1CodecConfigurationRecord[profile " + profile() + ", level index " + levelIdx() + ", "
            + (sequenceHeader == null ? "no sequence header" : sequenceHeader.width() + "x" + sequenceHeader.height())
            + "]";
    }
}
