package io.ringcast.ingest.testing;

/** FLV tag bodies a test publisher can send over RTMP and the server parses as real media. Immutable. */
public final class SampleMedia {
    /**
     * An AVC sequence header (FLV video tag body: keyframe, AVC, packet type 0, then the
     * AVCDecoderConfigurationRecord) as ffmpeg's libx264 wrote it for 320x240 High profile.
     */
    public static final byte[] AVC_SEQUENCE_HEADER = bytes(0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x0d,
            0xff, 0xe1, 0x00, 0x19, 0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00,
            0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0x99, 0x60, 0x01, 0x00, 0x04, 0x68, 0xef,
            0x8f, 0xcb, 0xfd, 0xf8, 0xf8, 0x00);
    private static final int AVC_HEADER_BYTES = 5;
    private static final int NAL_LENGTH_BYTES = 4;

    private SampleMedia() {
    }

    /**
     * A video tag body of {@code bytes} bytes (at least 10): AVC NALU packet, then one length-prefixed NAL unit
     * (an IDR slice for a keyframe) filled with a pattern derived from {@code seed}.
     */
    public static byte[] videoFrame(boolean keyframe, int bytes, int seed) {
        byte[] b = new byte[bytes];
        b[0] = (byte) (keyframe ? 0x17 : 0x27);
        b[1] = 1;
        int nalLength = bytes - AVC_HEADER_BYTES - NAL_LENGTH_BYTES;
        b[5] = (byte) (nalLength >>> 24);
        b[6] = (byte) (nalLength >>> 16);
        b[7] = (byte) (nalLength >>> 8);
        b[8] = (byte) nalLength;
        b[9] = (byte) (keyframe ? 0x65 : 0x41);
        for (int i = 10; i < bytes; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
