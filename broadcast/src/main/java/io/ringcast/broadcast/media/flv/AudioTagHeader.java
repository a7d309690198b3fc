package io.ringcast.broadcast.media.flv;

import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;

/**
 * Flyweight over the header of an FLV audio tag body, i.e. an RTMP audio message (Adobe FLV specification
 * v10.1, E.4.2.1); a reusable instance owned by the connection's ingest thread, re-pointed with {@link #wrap}
 * for each message without allocating.
 * <pre>
 *  | sound format 4b | sound rate 2b | sound size 1b | sound type 1b | AAC packet type 8b (AAC only) | data
 * </pre>
 */
public final class AudioTagHeader {
    /** Sound format: linear PCM, platform endian. */
    public static final int FORMAT_PCM = 0;
    /** Sound format: ADPCM. */
    public static final int FORMAT_ADPCM = 1;
    /** Sound format: MP3. */
    public static final int FORMAT_MP3 = 2;
    /** Sound format: Nellymoser. */
    public static final int FORMAT_NELLYMOSER = 6;
    /** Sound format: G.711 A-law. */
    public static final int FORMAT_G711_ALAW = 7;
    /** Sound format: G.711 mu-law. */
    public static final int FORMAT_G711_MULAW = 8;
    /** Sound format: AAC. */
    public static final int FORMAT_AAC = 10;
    /** Sound format: Speex. */
    public static final int FORMAT_SPEEX = 11;
    /** Sound format: MP3 8 kHz. */
    public static final int FORMAT_MP3_8KHZ = 14;

    /** AAC packet type: sequence header (AudioSpecificConfig). */
    public static final int AAC_SEQUENCE_HEADER = 0;
    /** AAC packet type: raw AAC frame. */
    public static final int AAC_RAW = 1;
    /** Packet type reported when the format has none. */
    public static final int NO_PACKET_TYPE = -1;

    /** Sound size: 8-bit samples. */
    public static final int SIZE_8_BIT = 0;
    /** Sound size: 16-bit samples. */
    public static final int SIZE_16_BIT = 1;
    /** Sound type: mono. */
    public static final int TYPE_MONO = 0;
    /** Sound type: stereo. */
    public static final int TYPE_STEREO = 1;

    private static final int[] RATE_HZ = {5512, 11025, 22050, 44100};
    private static final int FLAGS_LENGTH = 1;
    private static final int AAC_HEADER_LENGTH = 2;
    private static final int FORMAT_SHIFT = 4;
    private static final int RATE_SHIFT = 2;
    private static final int RATE_MASK = 0x03;
    private static final int SIZE_SHIFT = 1;

    private int soundFormat;
    private int soundRate;
    private int soundSize;
    private int soundType;
    private int packetType;
    private int headerLength;

    /**
     * Parses the header at {@code buffer[offset, offset + length)}.
     *
     * @return this flyweight.
     * @throws MediaFormatException if the body is too short for its header.
     */
    public AudioTagHeader wrap(final DirectBuffer buffer, final int offset, final int length) {
        require(length, FLAGS_LENGTH);
        final int flags = buffer.getByte(offset) & 0xFF;
        soundFormat = flags >>> FORMAT_SHIFT;
        soundRate = (flags >>> RATE_SHIFT) & RATE_MASK;
        soundSize = (flags >>> SIZE_SHIFT) & 1;
        soundType = flags & 1;
        if (soundFormat == FORMAT_AAC) {
            require(length, AAC_HEADER_LENGTH);
            packetType = buffer.getByte(offset + 1) & 0xFF;
            headerLength = AAC_HEADER_LENGTH;
        } else {
            packetType = NO_PACKET_TYPE;
            headerLength = FLAGS_LENGTH;
        }
        return this;
    }

    /**
     * @return sound format, e.g. {@link #FORMAT_AAC}.
     */
    public int soundFormat() {
        return soundFormat;
    }

    /**
     * @return the 2-bit sound rate code: 0 = 5.5 kHz, 1 = 11 kHz, 2 = 22 kHz, 3 = 44 kHz.
     */
    public int soundRate() {
        return soundRate;
    }

    /**
     * @return nominal sample rate of the rate code; for AAC the AudioSpecificConfig has the real one.
     */
    public int soundRateHz() {
        return RATE_HZ[soundRate];
    }

    /**
     * @return {@link #SIZE_8_BIT} or {@link #SIZE_16_BIT}.
     */
    public int soundSize() {
        return soundSize;
    }

    /**
     * @return {@link #TYPE_MONO} or {@link #TYPE_STEREO}.
     */
    public int soundType() {
        return soundType;
    }

    /**
     * @return AAC packet type, or {@link #NO_PACKET_TYPE} for other formats.
     */
    public int packetType() {
        return packetType;
    }

    /**
     * @return bytes before the codec data: 2 for AAC, 1 otherwise.
     */
    public int headerLength() {
        return headerLength;
    }

    /**
     * @return true if the data is an AAC AudioSpecificConfig.
     */
    public boolean isSequenceHeader() {
        return packetType == AAC_SEQUENCE_HEADER;
    }

    private static void require(final int length, final int needed) {
        if (length < needed) {
            throw new MediaFormatException("audio tag truncated", "length=" + length);
        }
    }
}
