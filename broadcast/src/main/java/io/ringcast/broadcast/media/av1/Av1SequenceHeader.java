package io.ringcast.broadcast.media.av1;

import io.ringcast.broadcast.media.BitReader;
import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;

/**
 * The facts of an AV1 sequence header OBU (AV1 specification 5.5.1): profile, level, tier, maximum frame size and,
 * when the timing info is present, the frame rate; immutable, shareable. Parsed once per sequence start, so
 * {@link #parse} allocates.
 * <pre>
 *  seq_profile 3 | still_picture 1 | reduced_still_picture_header 1 | [timing_info, decoder_model_info,
 *  operating points ...] | frame_width_bits_minus_1 4 | frame_height_bits_minus_1 4 |
 *  max_frame_width_minus_1 n | max_frame_height_minus_1 n | ...
 * </pre>
 *
 * @param profile   seq_profile: 0 Main, 1 High, 2 Professional.
 * @param levelIdx  seq_level_idx[0]: level 2.0 is 0, level X.Y is (X - 2) * 4 + Y; 31 means no level.
 * @param tier      seq_tier[0].
 * @param width     max_frame_width_minus_1 + 1, pixels.
 * @param height    max_frame_height_minus_1 + 1, pixels.
 * @param frameRate time_scale / (num_units_in_display_tick * ticks per picture) when the timing info says every
 *                  picture lasts as long, else 0.
 */
public record Av1SequenceHeader(int profile, int levelIdx, int tier, int width, int height, double frameRate) {
    private static final int PROFILE_BITS = 3;
    private static final int LEVEL_BITS = 5;
    private static final int TIMING_FIELD_BITS = 32;
    private static final int DELAY_LENGTH_BITS = 5;
    private static final int OPERATING_POINT_COUNT_BITS = 5;
    private static final int OPERATING_POINT_IDC_BITS = 12;
    private static final int TIER_FROM_LEVEL = 7;
    private static final int INITIAL_DISPLAY_DELAY_BITS = 4;
    private static final int FRAME_SIZE_BITS = 4;
    private static final int MAX_UVLC_LEADING_ZEROS = 32;

    /**
     * @return the level as the specification names it, e.g. "4.0"; "max" for index 31.
     */
    public String level() {
        return levelIdx == (1 << LEVEL_BITS) - 1 ? "max" : (2 + (levelIdx >> 2)) + "." + (levelIdx & 3);
    }

    /**
     * Parses a sequence header OBU's payload (after its OBU header and size) at {@code buffer[offset, offset +
     * length)}.
     *
     * @throws MediaFormatException if it is truncated.
     */
    public static Av1SequenceHeader parse(final DirectBuffer buffer, final int offset, final int length) {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final BitReader bits = new BitReader("av1 sequence header").wrap(bytes, 0, length);
        final int profile = bits.readUnsigned(PROFILE_BITS);
        bits.skipBits(1);
        final boolean reduced = bits.readFlag();
        int levelIdx;
        int tier = 0;
        double frameRate = 0;
        if (reduced) {
            levelIdx = bits.readUnsigned(LEVEL_BITS);
        } else {
            boolean decoderModelInfo = false;
            int bufferDelayLength = 0;
            if (bits.readFlag()) {
                final long unitsInDisplayTick = bits.readBits(TIMING_FIELD_BITS);
                final long timeScale = bits.readBits(TIMING_FIELD_BITS);
                if (bits.readFlag()) {
                    final long ticksPerPicture = readUvlc(bits) + 1;
                    frameRate = unitsInDisplayTick == 0 ? 0 :
                        timeScale / ((double)unitsInDisplayTick * ticksPerPicture);
                }
                decoderModelInfo = bits.readFlag();
                if (decoderModelInfo) {
                    bufferDelayLength = bits.readUnsigned(DELAY_LENGTH_BITS) + 1;
                    bits.skipBits(TIMING_FIELD_BITS + DELAY_LENGTH_BITS + DELAY_LENGTH_BITS);
                }
            }
            final boolean initialDisplayDelay = bits.readFlag();
            final int operatingPoints = bits.readUnsigned(OPERATING_POINT_COUNT_BITS) + 1;
            levelIdx = 0;
            for (int i = 0; i < operatingPoints; i++) {
                bits.skipBits(OPERATING_POINT_IDC_BITS);
                final int level = bits.readUnsigned(LEVEL_BITS);
                final int pointTier = level > TIER_FROM_LEVEL ? bits.readUnsigned(1) : 0;
                if (i == 0) {
                    levelIdx = level;
                    tier = pointTier;
                }
                if (decoderModelInfo && bits.readFlag()) {
                    bits.skipBits(2 * bufferDelayLength + 1);
                }
                if (initialDisplayDelay && bits.readFlag()) {
                    bits.skipBits(INITIAL_DISPLAY_DELAY_BITS);
                }
            }
        }
        final int widthBits = bits.readUnsigned(FRAME_SIZE_BITS) + 1;
        final int heightBits = bits.readUnsigned(FRAME_SIZE_BITS) + 1;
        final long width = bits.readBits(widthBits) + 1;
        final long height = bits.readBits(heightBits) + 1;
        return new Av1SequenceHeader(profile, levelIdx, tier, (int)width, (int)height, frameRate);
    }

    /** uvlc(), AV1 specification 4.10.3. */
    private static long readUvlc(final BitReader bits) {
        int leadingZeros = 0;
        while (bits.readBit() == 0) {
            leadingZeros++;
            if (leadingZeros >= MAX_UVLC_LEADING_ZEROS) {
                return (1L << Integer.SIZE) - 1;
            }
        }
        return bits.readBits(leadingZeros) + (1L << leadingZeros) - 1;
    }
}
