package io.ringcast.ingest.server;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * Encodes a subscription's frames as RTMP messages on one message stream into a {@link PlayerOutput}: metadata as a
 * data message, sequence headers and frames as audio/video messages carrying the FLV tag body as published. Shared by
 * the RTMP viewer ({@link RtmpPlaySink}, metadata as {@code onMetaData}) and the push client (metadata as
 * {@code @setDataFrame onMetaData}, as publishers send it). Owned by the thread that holds the output's write role.
 *
 * <p>A frame that fits in one chunk gets its fmt 0 header built in the headroom in front of the payload and goes to
 * the socket from the subscription's copy of the frame; a larger one is chunked into the thread's scratch buffer (one
 * copy). Every method returns whether the socket took everything so far; what it did not take stays pending in the
 * output. Nothing is allocated per frame.
 */
public final class RtmpMediaWriter {
    /** Chunk streams of media, one per track as common servers do, so each keeps its own header state. */
    public static final int AUDIO_CHUNK_STREAM_ID = 4;
    public static final int VIDEO_CHUNK_STREAM_ID = 6;
    private static final String SET_DATA_FRAME = "@setDataFrame";

    private final PlayerOutput output;
    private final ChunkEncoder encoder;
    private final int messageStreamId;
    private final boolean setDataFrame;
    private final UnsafeBuffer startBytes = new UnsafeBuffer(new byte[0]);

    /**
     * @param setDataFrame true to send metadata as a publisher does ({@code @setDataFrame} first), false as a
     *                     server sends it to players
     */
    public RtmpMediaWriter(PlayerOutput output, int messageStreamId, boolean setDataFrame) {
        this.output = output;
        this.encoder = output.encoder();
        this.messageStreamId = messageStreamId;
        this.setDataFrame = setDataFrame;
    }

    /**
     * Sends metadata (an onMetaData script body: "onMetaData" and its array, or null) and the tracks' sequence
     * headers at timestamp 0; rare, may allocate.
     */
    public boolean writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException {
        boolean written = metadata == null || writeMetadata(metadata, 0);
        written &= writeSequenceHeader(videoFormat, 0);
        written &= writeSequenceHeader(audioFormat, 0);
        return written;
    }

    /** Sends metadata (an onMetaData script body) at {@code timestampMs}; rare, may allocate. */
    public boolean writeMetadata(byte[] metadata, long timestampMs) throws IOException {
        byte[] body = setDataFrame ? withSetDataFrame(metadata) : metadata;
        startBytes.wrap(body);
        return output.writeMessage(RtmpMessageWriter.DATA_CHUNK_STREAM_ID, timestampMs, MessageTypeIds.DATA_AMF0,
                messageStreamId, startBytes, 0, body.length);
    }

    /** Sends a track's sequence header, if it has one. */
    public boolean writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException {
        if (format == null || !format.hasSequenceHeader()) {
            return true;
        }
        byte[] body = format.sequenceHeader();
        boolean video = format.codec().kind() == TrackKind.VIDEO;
        startBytes.wrap(body);
        return output.writeMessage(video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID, timestampMs,
                video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO, messageStreamId, startBytes, 0, body.length);
    }

    /**
     * Sends one frame; its payload at {@code buffer[offset, offset + length)} has
     * {@link io.ringcast.broadcast.subscribe.FrameSink#HEADROOM_BYTES} writable bytes in front.
     */
    public boolean writeFrame(TrackKind kind, FrameEvent frame, MutableDirectBuffer buffer, int offset, int length)
            throws IOException {
        boolean video = kind == TrackKind.VIDEO;
        int chunkStreamId = video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID;
        int typeId = video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO;
        long timestampMs = frame.timestampMs();
        if (length <= encoder.chunkSizeBytes() && output.isEmpty()) {
            int headerLength = encoder.messageHeaderLength(chunkStreamId, timestampMs);
            int start = offset - headerLength;
            encoder.writeMessageHeader(buffer, start, chunkStreamId, timestampMs, typeId, messageStreamId, length);
            return output.writeThrough(buffer, start, headerLength + length);
        }
        return output.writeMessage(chunkStreamId, timestampMs, typeId, messageStreamId, buffer, offset, length);
    }

    /** {@code @setDataFrame} (an AMF0 string) followed by the onMetaData body. */
    private static byte[] withSetDataFrame(byte[] metadata) {
        UnsafeBuffer prefix = new UnsafeBuffer(new byte[SET_DATA_FRAME.length() + 3]);
        int prefixLength = new Amf0Writer().wrap(prefix, 0).writeString(SET_DATA_FRAME).length();
        byte[] body = new byte[prefixLength + metadata.length];
        prefix.getBytes(0, body, 0, prefixLength);
        System.arraycopy(metadata, 0, body, prefixLength, metadata.length);
        return body;
    }
}
