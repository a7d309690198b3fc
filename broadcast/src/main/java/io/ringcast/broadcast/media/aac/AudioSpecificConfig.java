package io.ringcast.broadcast.media.aac;

import io.ringcast.broadcast.media.BitReader;
import io.ringcast.broadcast.media.CodecConfiguration;
import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;

/**
 * The leading fields of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the body of an AAC sequence
 * header after the 2-byte audio tag header, parsed once per sequence header; immutable and shared between
 * threads. Parsed rarely, so {@link #parse} allocates.
 * <pre>
 *  | audioObjectType 5b (31: 6 more bits + 32) | samplingFrequencyIndex 4b (15: 24-bit frequency follows) |
 *  | channelConfiguration 4b | ... (SBR/PS: extension frequency, then the core object type) |
 * </pre>
 * Index 15 (escape) is not reserved: an explicit 24-bit samplingFrequency follows (1.6.2.1, Table 1.16). Such a
 * frequency keeps the table's index when it is one of the table's frequencies, so that formats limited to the
 * 4-bit index (ADTS) can still describe it; otherwise {@link #samplingFrequencyIndex} is {@link #NO_INDEX}.
 *
 * @param audioObjectType        2 for AAC LC; for explicit SBR/PS (5, 29) the core type that follows.
 * @param samplingFrequencyIndex index of the core sampling frequency in the standard table (0..12), or
 *                               {@link #NO_INDEX} for an explicit frequency outside it.
 * @param samplingFrequencyHz    sampling frequency of the core decoder.
 * @param channelConfiguration   channel configuration, 0 meaning defined in-band.
 * @param sbrPresent             true for HE-AAC signalled explicitly (object type 5 or 29).
 */
public record AudioSpecificConfig(int audioObjectType, int samplingFrequencyIndex, int samplingFrequencyHz,
                                  int channelConfiguration, boolean sbrPresent) implements CodecConfiguration {
    /** Audio object type: AAC Main. */
    public static final int AOT_AAC_MAIN = 1;
    /** Audio object type: AAC LC. */
    public static final int AOT_AAC_LC = 2;
    /** Audio object type: AAC LTP, the last one an ADTS profile can name. */
    public static final int AOT_AAC_LTP = 4;
    /** Audio object type: SBR (HE-AAC). */
    public static final int AOT_SBR = 5;
    /** Audio object type: PS (HE-AAC v2). */
    public static final int AOT_PS = 29;
    /** {@link #samplingFrequencyIndex} of an explicit frequency that is not in the table. */
    public static final int NO_INDEX = -1;

    private static final int[] SAMPLING_FREQUENCIES_HZ = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350};
    private static final int OBJECT_TYPE_BITS = 5;
    private static final int OBJECT_TYPE_ESCAPE = 31;
    private static final int OBJECT_TYPE_EXTENSION_BITS = 6;
    private static final int OBJECT_TYPE_ESCAPE_BASE = 32;
    private static final int FREQUENCY_INDEX_BITS = 4;
    private static final int FREQUENCY_ESCAPE = 15;
    private static final int EXPLICIT_FREQUENCY_BITS = 24;
    private static final int CHANNEL_CONFIGURATION_BITS = 4;

    /**
     * Parses the AudioSpecificConfig at {@code buffer[offset, offset + length)}.
     *
     * @return the decoded fields.
     * @throws MediaFormatException if truncated or using a reserved sampling frequency index (13, 14).
     */
    public static AudioSpecificConfig parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length <= 0) {
            throw new MediaFormatException("audio specific config truncated");
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final BitReader bits = new BitReader("audio specific config").wrap(bytes, 0, length);

        int objectType = readObjectType(bits);
        final int frequencyHz = readFrequency(bits);
        final int channelConfiguration = bits.readUnsigned(CHANNEL_CONFIGURATION_BITS);
        final boolean sbr = objectType == AOT_SBR || objectType == AOT_PS;
        if (sbr) {
            readFrequency(bits);
            objectType = readObjectType(bits);
        }
        return new AudioSpecificConfig(objectType, indexOf(frequencyHz), frequencyHz, channelConfiguration, sbr);
    }

    /** The table index of {@code frequencyHz}, or {@link #NO_INDEX}. */
    static int indexOf(final int frequencyHz) {
        for (int i = 0; i < SAMPLING_FREQUENCIES_HZ.length; i++) {
            if (SAMPLING_FREQUENCIES_HZ[i] == frequencyHz) {
                return i;
            }
        }
        return NO_INDEX;
    }

    private static int readObjectType(final BitReader bits) {
        final int objectType = bits.readUnsigned(OBJECT_TYPE_BITS);
        return objectType == OBJECT_TYPE_ESCAPE
            ? OBJECT_TYPE_ESCAPE_BASE + bits.readUnsigned(OBJECT_TYPE_EXTENSION_BITS) : objectType;
    }

    private static int readFrequency(final BitReader bits) {
        final int index = bits.readUnsigned(FREQUENCY_INDEX_BITS);
        if (index == FREQUENCY_ESCAPE) {
            return bits.readUnsigned(EXPLICIT_FREQUENCY_BITS);
        }
        if (index >= SAMPLING_FREQUENCIES_HZ.length) {
            throw new MediaFormatException("audio specific config reserved frequency index", Integer.toString(index));
        }
        return SAMPLING_FREQUENCIES_HZ[index];
    }
}
