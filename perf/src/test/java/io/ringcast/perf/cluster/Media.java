package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Ffmpeg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The pre-encoded file every cluster encoder publishes with {@code -c copy} (no live encoding: six processes share
 * two cores): 640x360 25 fps H.264 (a keyframe a second, no B-frames) at about 600 kbit/s and AAC 64 kbit/s, 30 s,
 * made once under {@code target/cluster-media} and kept.
 */
final class Media {
    /** The stream's total bitrate, for rate limits relative to it. */
    static final int BITRATE_KBIT = 700;
    static final int FPS = 25;
    private static final int SECONDS = 30;
    private static final Path FILE = Path.of("target", "cluster-media", "cam-640x360-25fps-1s-gop.flv")
            .toAbsolutePath();

    private Media() {
    }

    /** The file, encoded now if it is not there yet. */
    static synchronized Path file() {
        if (Files.isRegularFile(FILE)) {
            return FILE;
        }
        Ffmpeg.assumeInstalled();
        try {
            Files.createDirectories(FILE.getParent());
            Path partial = FILE.resolveSibling(FILE.getFileName() + ".partial.flv");
            Netns.run(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=" + FPS,
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                    "-t", Integer.toString(SECONDS), "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                    "-b:v", "600k", "-maxrate", "600k", "-bufsize", "600k", "-g", Integer.toString(FPS),
                    "-keyint_min", Integer.toString(FPS), "-sc_threshold", "0", "-bf", "0",
                    "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-ac", "2", "-f", "flv", partial.toString()), 300);
            Files.move(partial, FILE, StandardCopyOption.ATOMIC_MOVE);
            return FILE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE, e);
        }
    }
}
