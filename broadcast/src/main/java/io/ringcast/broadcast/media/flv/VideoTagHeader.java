package io.ringcast.broadcast.media.flv;

import io.ringcast.broadcast.media.MediaFormatException;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the header of an FLV video tag body, i.e. an RTMP video message (Adobe FLV specification
 * v10.1, E.4.3.1, and the Enhanced RTMP specification v1, ExVideoTagHeader); a reusable instance owned by the
 * connection's ingest thread, re-pointed with {@link #wrap} for each message without allocating. The static
 * {@code write*} methods write either form.
 * <pre>
 *  legacy:    | frame type 4b | codec id 4b | AVC packet type 8b | composition time SI24 | data ...
 *                                            (AVCPacketType and composition time only for AVC and HEVC, id 12)
 *  enhanced:  | 1 | frame type 3b | packet type 4b | FourCC 32b | [composition time SI24] | data ...
 *                                            (composition time only in CodedFrames of avc1 and hvc1)
 *  enhanced command frame (frame type 5, packet type not Metadata): | 1 | 101 | packet type 4b | command 8b |
 * </pre>
 * A legacy video info/command frame (frame type 5) carries no packet type or composition time. Enhanced packet
 * types this reader does not take apart (Multitrack, ModEx, MPEG-2 TS sequence start) report
 * {@link #isSupported()} false, for the caller to drop.
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
    /** Enhanced RTMP packet type: coded frames, with a composition time for avc1 and hvc1. */
    public static final int EX_PACKET_TYPE_CODED_FRAMES = 1;
    /** Enhanced RTMP packet type: sequence end. */
    public static final int EX_PACKET_TYPE_SEQUENCE_END = 2;
    /** Enhanced RTMP packet type: coded frames without a composition time (it is 0). */
    public static final int EX_PACKET_TYPE_CODED_FRAMES_X = 3;
    /** Enhanced RTMP packet type: AMF0 metadata about the video (colorInfo). */
    public static final int EX_PACKET_TYPE_METADATA = 4;
    /** Enhanced RTMP packet type: MPEG-2 TS sequence start (not taken apart here). */
    public static final int EX_PACKET_TYPE_MPEG2TS_SEQUENCE_START = 5;
    /** Enhanced RTMP v2 packet type: several tracks in one message (not taken apart here). */
    public static final int EX_PACKET_TYPE_MULTITRACK = 6;
    /** Enhanced RTMP v2 packet type: a modifier extension in front of another packet type (not taken apart). */
    public static final int EX_PACKET_TYPE_MOD_EX = 7;

    /** FourCC 'avc1' (H.264) as a big-endian int. */
    public static final int FOURCC_AVC1 = fourCc('a', 'v', 'c', '1');
    /** FourCC 'hvc1' (H.265). */
    public static final int FOURCC_HVC1 = fourCc('h', 'v', 'c', '1');
    /** FourCC 'av01' (AV1). */
    public static final int FOURCC_AV01 = fourCc('a', 'v', '0', '1');
    /** FourCC 'vp09' (VP9). */
    public static final int FOURCC_VP09 = fourCc('v', 'p', '0', '9');

    /** Bytes of a legacy AVC/HEVC header: flags, packet type, composition time. */
    public static final int LEGACY_AVC_HEADER_LENGTH = 5;
    /** Bytes of an enhanced header without composition time: flags, FourCC. */
    public static final int EX_HEADER_LENGTH = 5;
    /** Bytes of an enhanced CodedFrames header of avc1/hvc1: flags, FourCC, composition time. */
    public static final int EX_HEADER_WITH_CTS_LENGTH = 8;

    private static final int FLAGS_LENGTH = 1;
    private static final int EX_COMMAND_LENGTH = 2;
    private static final int CTS_LENGTH = 3;
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
    private boolean supported;
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
        supported = true;
        if (extended) {
            wrapExtended(buffer, offset, length, flags);
            return this;
        }

        frameType = flags >>> FRAME_TYPE_SHIFT;
        codecId = flags & NIBBLE_MASK;
        if ((codecId == CODEC_ID_AVC || codecId == CODEC_ID_HEVC) && frameType != FRAME_TYPE_INFO_COMMAND) {
            require(length, LEGACY_AVC_HEADER_LENGTH);
            packetType = buffer.getByte(offset + 1) & 0xFF;
            compositionTimeOffsetMs = getSi24(buffer, offset + 2);
            headerLength = LEGACY_AVC_HEADER_LENGTH;
        } else {
            packetType = NO_PACKET_TYPE;
            headerLength = FLAGS_LENGTH;
        }
        return this;
    }

    private void wrapExtended(final DirectBuffer buffer, final int offset, final int length, final int flags) {
        frameType = (flags >>> EX_FRAME_TYPE_SHIFT) & EX_FRAME_TYPE_MASK;
        packetType = flags & NIBBLE_MASK;
        codecId = CODEC_ID_EXTENDED;
        if (frameType == FRAME_TYPE_INFO_COMMAND && packetType != EX_PACKET_TYPE_METADATA) {
            require(length, EX_COMMAND_LENGTH);
            headerLength = EX_COMMAND_LENGTH;
            return;
        }
        if (packetType >= EX_PACKET_TYPE_MPEG2TS_SEQUENCE_START) {
            supported = false;
            headerLength = FLAGS_LENGTH;
            return;
        }
        require(length, EX_HEADER_LENGTH);
        fourCc = buffer.getInt(offset + FLAGS_LENGTH, ByteOrder.BIG_ENDIAN);
        headerLength = EX_HEADER_LENGTH;
        if (packetType == EX_PACKET_TYPE_CODED_FRAMES && hasCompositionTime(fourCc)) {
            require(length, EX_HEADER_WITH_CTS_LENGTH);
            compositionTimeOffsetMs = getSi24(buffer, offset + EX_HEADER_LENGTH);
            headerLength = EX_HEADER_WITH_CTS_LENGTH;
        }
    }

    /**
     * Writes an Enhanced RTMP video tag header at {@code offset}: flags, FourCC and, for CodedFrames of avc1 and
     * hvc1, the composition time.
     *
     * @return the header's length, where the codec data starts.
     */
    public static int writeEnhanced(final MutableDirectBuffer buffer, final int offset, final int frameType,
                                    final int packetType, final int fourCc, final int compositionTimeOffsetMs) {
        buffer.putByte(offset, (byte)(EX_HEADER_BIT | (frameType << EX_FRAME_TYPE_SHIFT) | packetType));
        buffer.putInt(offset + FLAGS_LENGTH, fourCc, ByteOrder.BIG_ENDIAN);
        if (packetType == EX_PACKET_TYPE_CODED_FRAMES && hasCompositionTime(fourCc)) {
            putSi24(buffer, offset + EX_HEADER_LENGTH, compositionTimeOffsetMs);
            return EX_HEADER_WITH_CTS_LENGTH;
        }
        return EX_HEADER_LENGTH;
    }

    /**
     * Writes a legacy AVC (id 7) or HEVC (id 12) video tag header at {@code offset}.
     *
     * @param packetType {@link #AVC_SEQUENCE_HEADER}, {@link #AVC_NALU} or {@link #AVC_END_OF_SEQUENCE}
     * @return {@link #LEGACY_AVC_HEADER_LENGTH}.
     */
    public static int writeLegacy(final MutableDirectBuffer buffer, final int offset, final int frameType,
                                  final int codecId, final int packetType, final int compositionTimeOffsetMs) {
        buffer.putByte(offset, (byte)((frameType << FRAME_TYPE_SHIFT) | codecId));
        buffer.putByte(offset + 1, (byte)packetType);
        putSi24(buffer, offset + 2, compositionTimeOffsetMs);
        return LEGACY_AVC_HEADER_LENGTH;
    }

    /**
     * @return the FourCC of four ASCII characters as a big-endian int, as {@link #fourCc()} reports it.
     */
    public static int fourCc(final char a, final char b, final char c, final char d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
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
     * @return bytes before the codec data: 5 for legacy AVC/HEVC, 5 or 8 (CodedFrames of avc1/hvc1) for Enhanced
     *         RTMP, 2 for an enhanced command frame, 1 otherwise.
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
     * @return false for an enhanced packet type this reader does not take apart (Multitrack, ModEx, MPEG-2 TS
     *         sequence start); such a message carries no FourCC here.
     */
    public boolean isSupported() {
        return supported;
    }

    /**
     * @return the Enhanced RTMP FourCC (e.g. 'hvc1', 'av01') as a big-endian int, 0 for legacy headers and enhanced
     *         command frames.
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
        return extended ? packetType == EX_PACKET_TYPE_SEQUENCE_START && fourCc != 0 :
            packetType == AVC_SEQUENCE_HEADER && headerLength == LEGACY_AVC_HEADER_LENGTH;
    }

    /**
     * @return true for an AVC/HEVC end of sequence or Enhanced RTMP sequence end.
     */
    public boolean isEndOfSequence() {
        return extended ? packetType == EX_PACKET_TYPE_SEQUENCE_END && fourCc != 0 :
            packetType == AVC_END_OF_SEQUENCE;
    }

    /**
     * @return true for an Enhanced RTMP Metadata packet (AMF0 such as colorInfo), which holds no picture.
     */
    public boolean isMetadata() {
        return extended && packetType == EX_PACKET_TYPE_METADATA && fourCc != 0;
    }

    /**
     * @return true if the body carries coded pictures: legacy AVC/HEVC NALU packets and other legacy codecs'
     *         frames, enhanced CodedFrames and CodedFramesX.
     */
    public boolean isCodedFrame() {
        if (extended) {
            return fourCc != 0 && (packetType == EX_PACKET_TYPE_CODED_FRAMES
                || packetType == EX_PACKET_TYPE_CODED_FRAMES_X);
        }
        return frameType != FRAME_TYPE_INFO_COMMAND
            && (headerLength != LEGACY_AVC_HEADER_LENGTH || packetType == AVC_NALU);
    }

    private static boolean hasCompositionTime(final int fourCc) {
        return fourCc == FOURCC_AVC1 || fourCc == FOURCC_HVC1;
    }

    private static int getSi24(final DirectBuffer buffer, final int offset) {
        final int value = ((buffer.getByte(offset) & 0xFF) << 16) | ((buffer.getByte(offset + 1) & 0xFF) << 8) |
            (buffer.getByte(offset + 2) & 0xFF);
        return (value << SI24_SIGN_SHIFT) >> SI24_SIGN_SHIFT;
    }

    private static void putSi24(final MutableDirectBuffer buffer, final int offset, final int value) {
        for (int i = 0; i < CTS_LENGTH; i++) {
            buffer.putByte(offset + i, (byte)(value >>> (Byte.SIZE * (CTS_LENGTH - 1 - i))));
        }
    }

    private static void require(final int length, final int needed) {
        if (length < needed) {
            throw new MediaFormatException("video tag truncated", "length=" + length);
        }
    }
}
