package io.ringcast.broadcast.media.flv;

import io.ringcast.broadcast.media.MediaFormatException;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Flyweight over the header of an FLV video tag body, i.e. an RTMP video message (Adobe FLV specification
 * v10.1, E.4.3.1); a reusable instance owned by the connection's ingest thread, re-pointed with {@link #wrap}
 * for each message without allocating.
 * <pre>
 *  legacy:    | frame type 4b | codec id 4b | AVC packet type 8b | composition time SI24 | data ...
 *                                            (AVCPacketType and composition time only for AVC and HEVC)
 *  enhanced:  | 1 | frame type 3b | packet type 4b | FourCC 32b | data ...  (Enhanced RTMP, passed through)
 * </pre>
 * A video info/command frame (frame type 5) carries no packet type or composition time.
 */
public final class VideoTagHeader {
    /** Frame type: key frame (a seekable frame, IDR for AVC). */
    public static final int FRAME_TYPE_KEY = 1;
    /** Frame type: inter frame. */
    public static final int FRAME_TYPE_INTER = 2;
    /** Frame type: disposable inter frame (H.263 only). */
    public static final int FRAME_TYPE_DISPOSABLE_INTER = 3;
    /** Frame type: generated key frame (server use only). */
    public static final int FRAME_TYPE_GENERATED_KEY = 4;
    /** Frame type: video info/command frame. */
    public static final int FRAME_TYPE_INFO_COMMAND = 5;

    /** Codec id: AVC (H.264). */
    public static final int CODEC_ID_AVC = 7;
    /** Codec id: HEVC (H.265), as used by the widespread legacy FLV extension. */
    public static final int CODEC_ID_HEVC = 12;
    /** Codec id reported for Enhanced RTMP headers, whose codec is named by {@link #fourCc()}. */
    public static final int CODEC_ID_EXTENDED = -1;

    /** AVC packet type: sequence header (AVCDecoderConfigurationRecord). */
    public static final int AVC_SEQUENCE_HEADER = 0;
    /** AVC packet type: one or more NALUs. */
    public static final int AVC_NALU = 1;
    /** AVC packet type: end of sequence. */
    public static final int AVC_END_OF_SEQUENCE = 2;
    /** Packet type reported when the codec has none. */
    public static final int NO_PACKET_TYPE = -1;

    /** Enhanced RTMP packet type: sequence start (decoder configuration record). */
    public static final int EX_PACKET_TYPE_SEQUENCE_START = 0;
    /** Enhanced RTMP packet type: sequence end. */
    public static final int EX_PACKET_TYPE_SEQUENCE_END = 2;

    private static final int FLAGS_LENGTH = 1;
    private static final int AVC_HEADER_LENGTH = 5;
    private static final int FOURCC_LENGTH = 4;
    private static final int EX_HEADER_BIT = 0x80;
    private static final int EX_FRAME_TYPE_SHIFT = 4;
    private static final int EX_FRAME_TYPE_MASK = 0x07;
    private static final int FRAME_TYPE_SHIFT = 4;
    private static final int NIBBLE_MASK = 0x0F;
    private static final int SI24_SIGN_SHIFT = 8;

    private int frameType;
    private int codecId;
    private int packetType;
    private int compositionTimeOffsetMs;
    private int headerLength;
    private boolean extended;
    private int fourCc;

    /**
     * Parses the header at {@code buffer[offset, offset + length)}.
     *
     * @return this flyweight.
     * @throws MediaFormatException if the body is too short for its header.
     */
    public VideoTagHeader wrap(final DirectBuffer buffer, final int offset, final int length) {
        require(length, FLAGS_LENGTH);
        final int flags = buffer.getByte(offset) & 0xFF;
        extended = (flags & EX_HEADER_BIT) != 0;
        compositionTimeOffsetMs = 0;
        fourCc = 0;
        if (extended) {
            require(length, FLAGS_LENGTH + FOURCC_LENGTH);
            frameType = (flags >>> EX_FRAME_TYPE_SHIFT) & EX_FRAME_TYPE_MASK;
            packetType = flags & NIBBLE_MASK;
            codecId = CODEC_ID_EXTENDED;
            fourCc = buffer.getInt(offset + FLAGS_LENGTH, ByteOrder.BIG_ENDIAN);
            headerLength = FLAGS_LENGTH + FOURCC_LENGTH;
            return this;
        }

        frameType = flags >>> FRAME_TYPE_SHIFT;
        codecId = flags & NIBBLE_MASK;
        if ((codecId == CODEC_ID_AVC || codecId == CODEC_ID_HEVC) && frameType != FRAME_TYPE_INFO_COMMAND) {
            require(length, AVC_HEADER_LENGTH);
            packetType = buffer.getByte(offset + 1) & 0xFF;
            final int cts = ((buffer.getByte(offset + 2) & 0xFF) << 16) | ((buffer.getByte(offset + 3) & 0xFF) << 8) |
                (buffer.getByte(offset + 4) & 0xFF);
            compositionTimeOffsetMs = (cts << SI24_SIGN_SHIFT) >> SI24_SIGN_SHIFT;
            headerLength = AVC_HEADER_LENGTH;
        } else {
            packetType = NO_PACKET_TYPE;
            headerLength = FLAGS_LENGTH;
        }
        return this;
    }

    /**
     * @return frame type, e.g. {@link #FRAME_TYPE_KEY}.
     */
    public int frameType() {
        return frameType;
    }

    /**
     * @return codec id, e.g. {@link #CODEC_ID_AVC}, or {@link #CODEC_ID_EXTENDED}.
     */
    public int codecId() {
        return codecId;
    }

    /**
     * @return AVC/HEVC packet type, the Enhanced RTMP packet type, or {@link #NO_PACKET_TYPE}.
     */
    public int packetType() {
        return packetType;
    }

    /**
     * @return composition time offset (PTS - DTS) in milliseconds, signed; 0 where absent.
     */
    public int compositionTimeOffsetMs() {
        return compositionTimeOffsetMs;
    }

    /**
     * @return bytes before the codec data: 5 for AVC/HEVC, 5 for Enhanced RTMP, 1 otherwise.
     */
    public int headerLength() {
        return headerLength;
    }

    /**
     * @return true for an Enhanced RTMP header; see {@link #fourCc()}.
     */
    public boolean isExtended() {
        return extended;
    }

    /**
     * @return the Enhanced RTMP FourCC (e.g. 'hvc1', 'av01') as a big-endian int, 0 for legacy headers.
     */
    public int fourCc() {
        return fourCc;
    }

    /**
     * @return true for a key frame.
     */
    public boolean isKeyFrame() {
        return frameType == FRAME_TYPE_KEY;
    }

    /**
     * @return true if the data is a decoder configuration record (AVC/HEVC sequence header or Enhanced RTMP
     *         sequence start).
     */
    public boolean isSequenceHeader() {
        return extended ? packetType == EX_PACKET_TYPE_SEQUENCE_START :
            packetType == AVC_SEQUENCE_HEADER && headerLength == AVC_HEADER_LENGTH;
    }

    /**
     * @return true for an AVC/HEVC end of sequence or Enhanced RTMP sequence end.
     */
    public boolean isEndOfSequence() {
        return extended ? packetType == EX_PACKET_TYPE_SEQUENCE_END : packetType == AVC_END_OF_SEQUENCE;
    }

    private static void require(final int length, final int needed) {
        if (length < needed) {
            throw new MediaFormatException("video tag truncated", "length=" + length);
        }
    }
}
