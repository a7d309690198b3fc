package io.ringcast.perf.jmh;

import io.ringcast.broadcast.track.TrackKind;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Typical frames of a live H.264 + AAC stream, as the engine holds them: the FLV tag body the publisher sent (codec
 * header, then AAC raw data or AVCC NAL units). A benchmark parameter; immutable.
 */
public enum SampleFrame {
    /** One AAC frame at 128 kbit/s: about 1024 samples of 44.1 kHz in 200 bytes. */
    AUDIO_200B(TrackKind.AUDIO, false, 200),
    /** A P-frame of a 720p stream at about 2.5 Mbit/s, 30 fps. */
    VIDEO_10KB(TrackKind.VIDEO, false, 10_000),
    /** A keyframe (IDR) of the same stream. */
    KEYFRAME_100KB(TrackKind.VIDEO, true, 100_000);

    /** FLV AudioTagHeader: AAC, 44.1 kHz, 16 bit, stereo; AACPacketType 1 (raw). */
    static final int AAC_HEADER_BYTES = 2;
    /** FLV VideoTagHeader: frame type + AVC, AVCPacketType 1 (NALU), composition time 0. */
    static final int AVC_HEADER_BYTES = 5;
    /** AVCDecoderConfigurationRecord with 4-byte NAL lengths, one small SPS and one PPS. */
    static final byte[] AVC_SEQUENCE_HEADER = bytes(0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x64,
            0x00, 0x1f, 0x01, 0x00, 0x04, 0x68, 0xee, 0x3c, 0x80);
    /** AudioSpecificConfig: AAC-LC, 44.1 kHz, stereo. */
    static final byte[] AAC_SEQUENCE_HEADER = bytes(0x12, 0x10);
    private static final int NAL_LENGTH_BYTES = 4;
    private static final int NAL_IDR = 0x65;
    private static final int NAL_NON_IDR = 0x41;

    final TrackKind kind;
    final boolean keyframe;
    /** Length of the whole FLV tag body. */
    final int bytes;

    SampleFrame(TrackKind kind, boolean keyframe, int bytes) {
        this.kind = kind;
        this.keyframe = keyframe;
        this.bytes = bytes;
    }

    /** Bytes of FLV codec header in front of the codec data. */
    int headerLength() {
        return kind == TrackKind.VIDEO ? AVC_HEADER_BYTES : AAC_HEADER_BYTES;
    }

    /** Writes the tag body at {@code offset}: {@link #bytes} bytes. */
    void writeBody(MutableDirectBuffer buffer, int offset) {
        buffer.setMemory(offset, bytes, (byte) 0x5A);
        if (kind == TrackKind.AUDIO) {
            buffer.putByte(offset, (byte) 0xAF);
            buffer.putByte(offset + 1, (byte) 1);
            return;
        }
        buffer.putByte(offset, (byte) (keyframe ? 0x17 : 0x27));
        buffer.putByte(offset + 1, (byte) 1);
        buffer.putByte(offset + 2, (byte) 0);
        buffer.putByte(offset + 3, (byte) 0);
        buffer.putByte(offset + 4, (byte) 0);
        int nal = offset + AVC_HEADER_BYTES;
        buffer.putInt(nal, bytes - AVC_HEADER_BYTES - NAL_LENGTH_BYTES, ByteOrder.BIG_ENDIAN);
        buffer.putByte(nal + NAL_LENGTH_BYTES, (byte) (keyframe ? NAL_IDR : NAL_NON_IDR));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
