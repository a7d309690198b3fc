package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.media.flv.AudioTagHeader;
import io.ringcast.broadcast.media.flv.FlvHeader;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import io.ringcast.broadcast.testing.Ffmpeg;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An FLV file made by ffmpeg (testsrc + sine, libx264 + AAC) and what it holds, counted with the FLV code of
 * broadcast.media.flv: tags per type and the sequence header bodies. Test thread.
 *
 * @param bytes                the whole file
 * @param videoTags            video tags, the sequence header included
 * @param audioTags            audio tags, the sequence header included
 * @param scriptTags           script data tags
 * @param videoSequenceHeader  the body of the AVC sequence header tag
 * @param audioSequenceHeader  the body of the AAC sequence header tag
 */
record SampleFlv(byte[] bytes, int videoTags, int audioTags, int scriptTags, byte[] videoSequenceHeader,
                 byte[] audioSequenceHeader) {

    /** Makes {@code seconds} of 320x240 25 fps video and 44.1 kHz stereo AAC in {@code folder}. */
    static SampleFlv make(Path folder, double seconds) throws IOException, InterruptedException {
        Ffmpeg.assumeInstalled();
        Path file = folder.resolve("sample.flv");
        List<String> command = List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25",
                "-c:a", "aac", "-b:a", "128k", "-ac", "2",
                "-f", "flv", file.toString());
        try (Ffmpeg.FfmpegProcess ffmpeg = Ffmpeg.start(command, "make-flv")) {
            if (ffmpeg.await(60) != 0) {
                throw new AssertionError("ffmpeg failed: " + ffmpeg.output());
            }
        }
        return parse(Files.readAllBytes(file));
    }

    static SampleFlv parse(byte[] bytes) {
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (!FlvHeader.hasSignature(buffer, 0)) {
            throw new AssertionError("not an FLV file");
        }
        int offset = (int) FlvHeader.dataOffset(buffer, 0) + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        int video = 0;
        int audio = 0;
        int script = 0;
        byte[] videoHeader = null;
        byte[] audioHeader = null;
        VideoTagHeader videoTag = new VideoTagHeader();
        AudioTagHeader audioTag = new AudioTagHeader();
        while (offset + FlvTag.HEADER_BYTES <= bytes.length) {
            int type = FlvTag.type(buffer, offset);
            int size = FlvTag.dataSize(buffer, offset);
            int body = offset + FlvTag.HEADER_BYTES;
            if (type == FlvTag.TYPE_VIDEO) {
                video++;
                if (videoHeader == null && videoTag.wrap(buffer, body, size).isSequenceHeader()) {
                    videoHeader = Arrays.copyOfRange(bytes, body, body + size);
                }
            } else if (type == FlvTag.TYPE_AUDIO) {
                audio++;
                if (audioHeader == null && audioTag.wrap(buffer, body, size).isSequenceHeader()) {
                    audioHeader = Arrays.copyOfRange(bytes, body, body + size);
                }
            } else {
                script++;
            }
            offset = body + size + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        }
        if (offset != bytes.length || videoHeader == null || audioHeader == null) {
            throw new AssertionError("unexpected FLV layout: ended at " + offset + " of " + bytes.length);
        }
        return new SampleFlv(bytes, video, audio, script, videoHeader, audioHeader);
    }

    /** The file's first {@code length} bytes (FLV header, PreviousTagSize0, ...). */
    byte[] prefix(int length) {
        return Arrays.copyOf(bytes, length);
    }
}
