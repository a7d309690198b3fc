package io.ringcast.ingest.server;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.ChunkEncoder;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.broadcast.subscribe.GatheredWrite;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * Encodes a subscription's frames as RTMP messages on one message stream into a {@link PlayerOutput}: metadata as a
 * data message, sequence headers and frames as audio/video messages carrying the FLV tag body as published. Shared by
 * the RTMP viewer ({@link RtmpPlaySink}, metadata as {@code onMetaData}) and the push client (metadata as
 * {@code @setDataFrame onMetaData}, as publishers send it). Owned by the thread that holds the output's write role.
 *
 * <p>A frame goes to the socket straight from its track's payload ring: its chunk headers (built in the thread's
 * {@link GatheredWrite}) and the ring slices between them are gathered, with any other frames of the viewer's batch,
 * and leave in one gathering write when the batch is flushed ({@link PlayerOutput#flushPending()}), no copy in user
 * space. Only when bytes are already pending (the socket refused some before), or the frame would take more pieces
 * than one write gathers, is it chunked behind them (one copy). Every method returns whether the socket took
 * everything so far; what it did not take stays pending in the output. Nothing is allocated per frame.
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
     * Sends one frame whose payload lies at {@code payload[offset, offset + length)} of its track's ring (see
     * {@link io.ringcast.broadcast.subscribe.FrameSink#writeFrame}).
     */
    public boolean writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length)
            throws IOException {
        boolean video = kind == TrackKind.VIDEO;
        int chunkStreamId = video ? VIDEO_CHUNK_STREAM_ID : AUDIO_CHUNK_STREAM_ID;
        int typeId = video ? MessageTypeIds.VIDEO : MessageTypeIds.AUDIO;
        long timestampMs = frame.timestampMs();
        int chunkSize = encoder.chunkSizeBytes();
        int chunks = Math.max(1, (length + chunkSize - 1) / chunkSize);
        int headerBytes = encoder.messageHeaderLength(chunkStreamId, timestampMs)
                + (chunks - 1) * encoder.continuationHeaderLength(chunkStreamId, timestampMs);
        GatheredWrite gather = GatheredWrite.canGather(payload) ? output.gatherFor(2 * chunks, headerBytes) : null;
        if (gather == null) {
            return output.writeMessage(chunkStreamId, timestampMs, typeId, messageStreamId, payload, offset, length);
        }
        MutableDirectBuffer headers = gather.headerBytes();
        int at = gather.claimHeaderBytes(headerBytes);
        int headerLength = encoder.writeMessageHeader(headers, at, chunkStreamId, timestampMs, typeId,
                messageStreamId, length);
        gather.addHeaderBytes(at, headerLength);
        at += headerLength;
        int sent = 0;
        while (true) {
            int count = Math.min(chunkSize, length - sent);
            gather.add(payload, offset + sent, count);
            sent += count;
            if (sent >= length) {
                break;
            }
            headerLength = encoder.writeContinuationHeader(headers, at, chunkStreamId, timestampMs);
            gather.addHeaderBytes(at, headerLength);
            at += headerLength;
        }
        return true;
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
