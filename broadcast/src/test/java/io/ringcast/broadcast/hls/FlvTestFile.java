package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.testing.Ffmpeg;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: makes a real FLV with ffmpeg (testsrc2 + sine, H.264 with B-frames + AAC) and reads its tags back
 * as engine-style frames: 9-byte file header, then PreviousTagSize and 11-byte tag headers. Test thread only.
 */
public final class FlvTestFile {
    public static final int TAG_AUDIO = 8;
    public static final int TAG_VIDEO = 9;
    public static final int AVC_HEADER_LENGTH = 5;
    public static final int AAC_HEADER_LENGTH = 2;
    private static final int FILE_HEADER_LENGTH = 9;
    private static final int PREVIOUS_TAG_SIZE_LENGTH = 4;
    private static final int TAG_HEADER_LENGTH = 11;
    private static final int CODEC_ID_AVC = 7;
    private static final int SOUND_FORMAT_AAC = 10;
    private static final int FRAME_TYPE_KEY = 1;

    /**
     * One FLV tag as the engine would describe it; a sequence header carries its track format, parsed once here as
     * ingest parses it.
     */
    public record Frame(Codec codec, boolean keyframe, boolean sequenceHeader, long timestampMs, int compositionTimeMs,
                 byte[] body, int headerLength, TrackFormat format) {
        Frame(Codec codec, boolean keyframe, boolean sequenceHeader, long timestampMs, int compositionTimeMs,
              byte[] body, int headerLength) {
            this(codec, keyframe, sequenceHeader, timestampMs, compositionTimeMs, body, headerLength,
                    sequenceHeader ? new TrackFormat(codec, body, headerLength, 0, 0, 0, 0) : null);
        }
    }

    public enum Tracks { BOTH, VIDEO_ONLY, AUDIO_ONLY }

    private FlvTestFile() {
    }

    /** Runs ffmpeg: {@code seconds} of 640x360 30 fps, 2 s GOP, 2 B-frames; AAC 44.1 kHz stereo. */
    public static Path generate(Path dir, Tracks tracks, double seconds) throws IOException, InterruptedException {
        Path out = dir.resolve("source-" + tracks + ".flv");
        List<String> cmd = new ArrayList<>(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error",
                "-y"));
        if (tracks != Tracks.AUDIO_ONLY) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30"));
        }
        if (tracks != Tracks.VIDEO_ONLY) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
        }
        cmd.addAll(List.of("-t", String.valueOf(seconds)));
        if (tracks != Tracks.AUDIO_ONLY) {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60",
                    "-keyint_min", "60", "-sc_threshold", "0", "-bf", "2"));
        }
        if (tracks != Tracks.VIDEO_ONLY) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-ac", "2"));
        }
        cmd.addAll(List.of("-f", "flv", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffmpeg failed: " + String.join(" ", cmd) + "\n" + output);
        }
        return out;
    }

    /**
     * The three sources the packager tests cut: 7 s with both tracks (its H.264 has B-frames: non-zero composition
     * times, checked here), 5 s of video only and 5 s of audio only.
     */
    public record Sources(List<Frame> both, List<Frame> videoOnly, List<Frame> audioOnly) {
        public static Sources generate(Path dir) throws IOException, InterruptedException {
            Sources s = new Sources(read(FlvTestFile.generate(dir, Tracks.BOTH, 7)),
                    read(FlvTestFile.generate(dir, Tracks.VIDEO_ONLY, 5)),
                    read(FlvTestFile.generate(dir, Tracks.AUDIO_ONLY, 5)));
            if (s.both.stream().noneMatch(f -> f.codec() == Codec.AVC && f.compositionTimeMs() > 0)) {
                throw new AssertionError("the source must have B-frames (non-zero composition times)");
            }
            return s;
        }
    }

    public static List<Frame> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes[0] != 'F' || bytes[1] != 'L' || bytes[2] != 'V') {
            throw new IOException("not an FLV file: " + file);
        }
        List<Frame> frames = new ArrayList<>();
        int at = FILE_HEADER_LENGTH + PREVIOUS_TAG_SIZE_LENGTH;
        while (at + TAG_HEADER_LENGTH <= bytes.length) {
            int type = bytes[at] & 0x1F;
            int size = u24(bytes, at + 1);
            long timestamp = u24(bytes, at + 4) | ((long) (bytes[at + 7] & 0xFF) << 24);
            int body = at + TAG_HEADER_LENGTH;
            byte[] data = java.util.Arrays.copyOfRange(bytes, body, body + size);
            at = body + size + PREVIOUS_TAG_SIZE_LENGTH;
            if (type == TAG_VIDEO && size > AVC_HEADER_LENGTH && (data[0] & 0x0F) == CODEC_ID_AVC) {
                int cts = (u24(data, 2) << 8) >> 8;
                frames.add(new Frame(Codec.AVC, ((data[0] & 0xFF) >> 4) == FRAME_TYPE_KEY, data[1] == 0, timestamp,
                        cts, data, AVC_HEADER_LENGTH));
            } else if (type == TAG_AUDIO && size > AAC_HEADER_LENGTH && ((data[0] & 0xFF) >> 4) == SOUND_FORMAT_AAC) {
                frames.add(new Frame(Codec.AAC, false, data[1] == 0, timestamp, 0, data, AAC_HEADER_LENGTH));
            }
        }
        return frames;
    }

    private static int u24(byte[] b, int at) {
        return ((b[at] & 0xFF) << 16) | ((b[at + 1] & 0xFF) << 8) | (b[at + 2] & 0xFF);
    }

    /**
     * Feeds frames into a segmenter through one reused payload buffer (as the engine's payload ring would),
     * shifting timestamps by {@code offsetMs}; {@code ingestNanos} is taken from {@code ingestClock}.
     */
    public static void feed(HlsSegmenter segmenter, List<Frame> frames, long offsetMs, UnsafeBuffer payload,
                     java.util.function.LongSupplier ingestClock) {
        for (Frame f : frames) {
            feedOne(segmenter, f, offsetMs, payload, ingestClock.getAsLong());
        }
    }

    public static void feedOne(HlsSegmenter segmenter, Frame f, long offsetMs, UnsafeBuffer payload, long ingestNanos) {
        payload.putBytes(0, f.body());
        segmenter.onFrame(f.codec(), f.keyframe(), f.sequenceHeader(), f.timestampMs() + offsetMs,
                f.compositionTimeMs(), ingestNanos, payload, 0, f.body().length, f.headerLength(), f.format());
    }
}
