package io.ringcast.perf.load.media;

import java.io.ByteArrayOutputStream;

/** Builds FLV files and streams byte by byte for tests. */
public final class FlvBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with the 9-byte header (audio and video) and PreviousTagSize0. */
    public static FlvBytes withHeader() {
        FlvBytes flv = new FlvBytes();
        flv.raw('F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0);
        return flv;
    }

    public FlvBytes tag(int type, long timestampMs, byte[] body) {
        raw(type, body.length >>> 16, body.length >>> 8, body.length,
                (int) (timestampMs >>> 16), (int) (timestampMs >>> 8), (int) timestampMs, (int) (timestampMs >>> 24),
                0, 0, 0);
        out.writeBytes(body);
        int size = 11 + body.length;
        raw(size >>> 24, size >>> 16, size >>> 8, size);
        return this;
    }

    public FlvBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * A short file with both tracks: AVC sequence header, video frames at 23 (key), 56 and 90 ms, audio frames at 0,
     * 23 and 46 ms, in interleaved order.
     */
    public static byte[] shortFile() {
        return withHeader()
                .tag(FlvFile.TYPE_VIDEO, 0, avcSequenceHeader())
                .tag(FlvFile.TYPE_AUDIO, 0, aacFrame(10))
                .tag(FlvFile.TYPE_VIDEO, 23, avcFrame(true, 50))
                .tag(FlvFile.TYPE_AUDIO, 23, aacFrame(10))
                .tag(FlvFile.TYPE_VIDEO, 56, avcFrame(false, 50))
                .tag(FlvFile.TYPE_AUDIO, 46, aacFrame(10))
                .tag(FlvFile.TYPE_VIDEO, 90, avcFrame(false, 50))
                .toByteArray();
    }

    /** An AVC NALU video tag body: header, then one NAL unit of {@code nalBytes} bytes (type 5 or 1). */
    public static byte[] avcFrame(boolean keyframe, int nalBytes) {
        byte[] body = new byte[5 + 4 + nalBytes];
        body[0] = (byte) (keyframe ? 0x17 : 0x27);
        body[1] = 1;
        body[8] = (byte) nalBytes;
        body[7] = (byte) (nalBytes >>> 8);
        body[9] = (byte) (keyframe ? 0x65 : 0x41);
        for (int i = 10; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        return body;
    }

    /** An AVC sequence header whose record says 4-byte NAL unit lengths, with one small SPS and PPS. */
    public static byte[] avcSequenceHeader() {
        return new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x64, 0, 0x1F,
            1, 0, 2, 0x68, (byte) 0xEE};
    }

    /** An AAC raw frame body. */
    public static byte[] aacFrame(int bytes) {
        byte[] body = new byte[2 + bytes];
        body[0] = (byte) 0xAF;
        body[1] = 1;
        return body;
    }

    /** An AAC sequence header (AudioSpecificConfig, LC 44.1 kHz stereo). */
    public static byte[] aacSequenceHeader() {
        return new byte[] {(byte) 0xAF, 0, 0x12, 0x10};
    }
}
