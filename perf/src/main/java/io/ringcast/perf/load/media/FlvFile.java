package io.ringcast.perf.load.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An FLV file read whole into memory: its onMetaData script tag, the AVC and AAC sequence headers and the media
 * frames in file order. Immutable after {@link #parse}; the publisher thread reads it.
 * <pre>
 *  file:  | 'FLV' | version | flags | data offset (32) | PreviousTagSize0 (32) | tag | PreviousTagSize | tag ...
 *  tag:   | type (8) | data size (24) | timestamp (24) | timestamp extended (8) | stream id (24) | body |
 * </pre>
 * (FLV specification v10.1, E.2 to E.4.) Later sequence headers, end-of-sequence tags and further script tags
 * are dropped: the publisher sends the headers once and then only frames.
 */
public final class FlvFile {
    public static final int TYPE_AUDIO = 8;
    public static final int TYPE_VIDEO = 9;
    public static final int TYPE_SCRIPT = 18;

    private static final int DATA_OFFSET_OFFSET = 5;
    private static final int HEADER_LENGTH = 9;
    private static final int PREVIOUS_TAG_SIZE_LENGTH = 4;
    private static final int TAG_HEADER_LENGTH = 11;
    private static final int TAG_TYPE_MASK = 0x1F;
    private static final int VIDEO_CODEC_MASK = 0x0F;
    private static final int CODEC_AVC = 7;
    private static final int SOUND_FORMAT_SHIFT = 4;
    private static final int SOUND_FORMAT_AAC = 10;
    private static final int PACKET_TYPE_SEQUENCE_HEADER = 0;
    private static final int PACKET_TYPE_DATA = 1;

    /** One tag: its type, its timestamp (DTS) in milliseconds and its body (the RTMP message payload). */
    public record Tag(int type, long timestampMs, byte[] body) {
    }

    private final String name;
    private final Tag metadata;
    private final Tag videoSequenceHeader;
    private final Tag audioSequenceHeader;
    private final List<Tag> frames;

    private FlvFile(String name, Tag metadata, Tag videoSequenceHeader, Tag audioSequenceHeader, List<Tag> frames) {
        this.name = name;
        this.metadata = metadata;
        this.videoSequenceHeader = videoSequenceHeader;
        this.audioSequenceHeader = audioSequenceHeader;
        this.frames = List.copyOf(frames);
    }

    /** Reads and parses a file. */
    public static FlvFile read(Path path) throws IOException {
        return parse(Files.readAllBytes(path), path.toString());
    }

    /**
     * Parses a whole FLV file; a truncated last tag is ignored, as players do.
     *
     * @throws IOException if it is no FLV file or has no media frame
     */
    public static FlvFile parse(byte[] file, String name) throws IOException {
        if (file.length < HEADER_LENGTH + PREVIOUS_TAG_SIZE_LENGTH || file[0] != 'F' || file[1] != 'L'
                || file[2] != 'V') {
            throw new IOException("not an FLV file: " + name);
        }
        long dataOffset = uint32(file, DATA_OFFSET_OFFSET);
        if (dataOffset < HEADER_LENGTH || dataOffset > file.length) {
            throw new IOException("bad FLV data offset " + dataOffset + ": " + name);
        }
        Tag metadata = null;
        Tag videoHeader = null;
        Tag audioHeader = null;
        List<Tag> frames = new ArrayList<>();
        int position = (int) dataOffset + PREVIOUS_TAG_SIZE_LENGTH;
        while (position + TAG_HEADER_LENGTH <= file.length) {
            int type = file[position] & TAG_TYPE_MASK;
            int size = uint24(file, position + 1);
            long timestampMs = uint24(file, position + 4) | (long) (file[position + 7] & 0xFF) << 24;
            int bodyStart = position + TAG_HEADER_LENGTH;
            if (bodyStart + size > file.length) {
                break;
            }
            byte[] body = new byte[size];
            System.arraycopy(file, bodyStart, body, 0, size);
            Tag tag = new Tag(type, timestampMs, body);
            if (type == TYPE_SCRIPT) {
                metadata = metadata == null ? tag : metadata;
            } else if (isVideoSequenceHeader(tag)) {
                videoHeader = videoHeader == null ? tag : videoHeader;
            } else if (isAudioSequenceHeader(tag)) {
                audioHeader = audioHeader == null ? tag : audioHeader;
            } else if (isFrame(tag)) {
                frames.add(tag);
            }
            position = bodyStart + size + PREVIOUS_TAG_SIZE_LENGTH;
        }
        if (frames.isEmpty()) {
            throw new IOException("no audio or video frame in " + name);
        }
        return new FlvFile(name, metadata, videoHeader, audioHeader, frames);
    }

    /** The file's name, for messages. */
    public String name() {
        return name;
    }

    /** The first script tag (onMetaData), or null. */
    public Tag metadata() {
        return metadata;
    }

    /** The AVCDecoderConfigurationRecord tag, or null. */
    public Tag videoSequenceHeader() {
        return videoSequenceHeader;
    }

    /** The AudioSpecificConfig tag, or null. */
    public Tag audioSequenceHeader() {
        return audioSequenceHeader;
    }

    /** Audio and video frames in file order, without sequence headers. */
    public List<Tag> frames() {
        return frames;
    }

    /** Whether a video tag body is H.264 in the AVC layout (codec id 7). */
    public static boolean isAvc(byte[] videoBody) {
        return videoBody.length > 1 && (videoBody[0] & VIDEO_CODEC_MASK) == CODEC_AVC;
    }

    private static boolean isVideoSequenceHeader(Tag tag) {
        return tag.type() == TYPE_VIDEO && isAvc(tag.body()) && tag.body()[1] == PACKET_TYPE_SEQUENCE_HEADER;
    }

    private static boolean isAudioSequenceHeader(Tag tag) {
        return tag.type() == TYPE_AUDIO && isAac(tag.body()) && tag.body()[1] == PACKET_TYPE_SEQUENCE_HEADER;
    }

    private static boolean isFrame(Tag tag) {
        byte[] body = tag.body();
        if (tag.type() == TYPE_VIDEO) {
            return body.length > 1 && (!isAvc(body) || body[1] == PACKET_TYPE_DATA);
        }
        return tag.type() == TYPE_AUDIO && body.length > 0 && (!isAac(body) || body[1] == PACKET_TYPE_DATA);
    }

    private static boolean isAac(byte[] audioBody) {
        return audioBody.length > 1 && (audioBody[0] & 0xFF) >>> SOUND_FORMAT_SHIFT == SOUND_FORMAT_AAC;
    }

    private static int uint24(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 16 | (bytes[offset + 1] & 0xFF) << 8 | (bytes[offset + 2] & 0xFF);
    }

    private static long uint32(byte[] bytes, int offset) {
        return ((long) uint24(bytes, offset) << 8) | (bytes[offset + 3] & 0xFF);
    }
}
