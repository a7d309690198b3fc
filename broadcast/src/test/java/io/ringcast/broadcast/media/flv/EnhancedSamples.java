package io.ringcast.broadcast.media.flv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Video tag bodies cut out of FLV files that ffmpeg 7.1 muxed (Enhanced RTMP headers): x265 HEVC 320x180 30 fps
 * (and a Main 10 1080p 25 fps sequence start), SVT-AV1 320x180 30 fps, libvpx VP9 320x180 30 fps; each codec's
 * sequence start, first key frame, two inter frames and the colorInfo metadata packet. Test resources under
 * {@code io/ringcast/broadcast/media/enhanced/}.
 */
public final class EnhancedSamples {
    private EnhancedSamples() {
    }

    /**
     * @param name e.g. "hvc1-sequence-start", "av01-key-frame", "vp09-inter-frame-0", "hvc1-metadata".
     */
    public static byte[] read(String name) {
        String path = "/io/ringcast/broadcast/media/enhanced/" + name + ".bin";
        try (InputStream in = EnhancedSamples.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
