package io.ringcast.ingest.publish;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.auth.PublishRefusedException;
import io.ringcast.broadcast.stream.PublishDeniedException;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.command.PublishTarget;
import io.ringcast.broadcast.media.flv.AudioTagHeader;
import io.ringcast.broadcast.media.flv.VideoTagHeader;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The media side of a publishing connection: audio/video messages go straight into the stream's track rings and
 * are published as frames; @setDataFrame/onMetaData becomes the stream's metadata. Owned by the connection's
 * ingest thread.
 *
 * <p>Zero copy: when a media message starts, its payload region is reserved in the track's payload ring and the
 * chunk decoder writes chunk payloads there directly; once complete, the FLV tag header is parsed in place and the
 * frame descriptor published. Nothing is allocated per frame.
 */
public final class MediaIngest implements PublishTarget {
    private static final Logger LOG = LoggerFactory.getLogger(MediaIngest.class);
    private static final String SET_DATA_FRAME = "@setDataFrame";
    private static final String ON_METADATA = "onMetaData";
    /** AMF0 string: marker 0x02, then a 16-bit big-endian length, then the bytes. */
    private static final byte AMF0_STRING_MARKER = 0x02;
    private static final int AMF0_STRING_HEADER_BYTES = 3;

    private final StreamRegistry registry;
    private final Supplier<PublishAuthorizer> authorizer;
    private final String remote;
    private final VideoTagHeader videoHeader = new VideoTagHeader();
    private final AudioTagHeader audioHeader = new AudioTagHeader();
    private final FormatProbe formats = new FormatProbe();
    private final Amf0Reader amf = new Amf0Reader();
    /** Reserved payload position of the message in progress on each chunk stream. */
    private final Int2ObjectHashMap<long[]> pending = new Int2ObjectHashMap<>();
    private final StaleTakeover takeover;
    private final java.util.function.Consumer<String> closeConnection;
    private final Clock wallClock;
    private StreamPublisher publisher;
    private long readNanos;
    private long framesPublished;
    private long messagesDropped;
    private String refusal;

    /**
     * @param authorizer      who may publish what, asked at each publish (stream keys may change meanwhile)
     * @param takeover        when and how this connection takes a stream over from a dead publisher, and is taken
     *                        over ({@link StaleTakeover#NEVER} for neither)
     * @param closeConnection closes this connection, with a reason, when the engine ends the published stream under
     *                        it (no media within the no-media timeout); null leaves the connection open
     * @param wallClock       the engine's wall clock, for when a publish started ({@link PublisherInfo})
     */
    public MediaIngest(StreamRegistry registry, Supplier<PublishAuthorizer> authorizer, String remote,
                       StaleTakeover takeover, java.util.function.Consumer<String> closeConnection,
                       Clock wallClock) {
        this.wallClock = wallClock;
        this.registry = registry;
        this.authorizer = authorizer;
        this.remote = remote;
        this.takeover = takeover;
        this.closeConnection = closeConnection;
    }

    /**
     * Records when the bytes being decoded were read off the socket, on the engine's clock: the frames' ingest time,
     * and the proof that this publisher's connection is alive.
     */
    public void readAt(long nanoTime) {
        this.readNanos = nanoTime;
        StreamPublisher p = publisher;
        if (p != null) {
            p.readAt(nanoTime);
        }
    }

    @Override
    public Result startPublish(String app, String name, int messageStreamId) {
        if (publisher != null) {
            return Result.BUSY;
        }
        StreamPath path;
        try {
            path = authorizer.get().authorize(new StreamPath(app, name));
        } catch (PublishRefusedException e) {
            LOG.warn("{}: publish to app {} refused: {}", remote, app, e.getMessage());
            if (e.isUnavailable()) {
                refusal = e.getMessage();
                return Result.REJECTED;
            }
            return Result.BAD_KEY;
        }
        StreamPublisher session;
        PublisherInfo info = new PublisherInfo("rtmp", remote, wallClock.millis());
        try {
            session = registry.publish(path, info, false);
            if (session == null) {
                session = takeover.takeOver(registry, path, info, readNanos, remote);
            }
        } catch (LimitExceededException e) {
            refusal = e.getMessage();
            LOG.warn("{}: publish of {} refused: {}", remote, path, refusal);
            return Result.REJECTED;
        } catch (PublishDeniedException e) {
            refusal = e.getMessage();
            LOG.warn("{}: publish of {} refused: {}", remote, path, refusal);
            return Result.DENIED;
        }
        if (session == null) {
            return Result.BAD_NAME;
        }
        session.onDisconnect(takeover.disconnectThisConnection());
        publishOn(session);
        LOG.info("{} publishes {}", remote, path);
        return Result.STARTED;
    }

    /**
     * Feeds a publisher session the caller opened itself: a pull relay, which is trusted (no stream key is asked)
     * and publishes with its own {@link PublisherInfo} ("pull", the upstream's masked URL), on the stream it chose
     * (an on-demand stream, not whatever the path holds by now). The session is ended by {@link #stopPublish()}.
     */
    public void publishOn(StreamPublisher session) {
        if (publisher != null) {
            throw new IllegalStateException("already publishing " + publisher.stream().path());
        }
        session.readAt(readNanos);
        session.onEndedByServer(closeConnection);
        publisher = session;
        formats.reset();
    }

    @Override
    public String refusal() {
        return refusal;
    }

    @Override
    public void stopPublish() {
        if (publisher != null) {
            LOG.info("{} stopped publishing {} after {} frames", remote, publisher.stream().path(), framesPublished);
            publisher.close();
            publisher = null;
            pending.clear();
        }
    }

    @Override
    public boolean isPublishing() {
        return publisher != null;
    }

    /** Frames published since this ingest was made; for stats, read by other threads without synchronisation. */
    public long framesPublished() {
        return framesPublished;
    }

    /** Media messages not published (no publish yet, disabled track, info frames). */
    public long messagesDropped() {
        return messagesDropped;
    }

    /**
     * A media message starts: reserve its payload in the track ring. Returns false to have the decoder skip it.
     * A stream the engine closed meanwhile (no media within its no-media timeout, or shut down) takes no more
     * frames: its rings' share of the direct memory budget was given back.
     */
    public boolean onMediaStart(MessageHeader header, PayloadTarget target) {
        TrackRing ring = publisher == null ? null : publisher.track(kindOf(header));
        int length = header.messageLength();
        if (ring == null || length == 0 || publisher.stream().isClosed()) {
            messagesDropped++;
            return false;
        }
        if (length > ring.maxFrameBytes()) {
            throw new RtmpProtocolException("media message larger than the track ring allows",
                    length + " > " + ring.maxFrameBytes() + " bytes");
        }
        long position = ring.reserve(length);
        target.wrap(ring.payloadBuffer(), ring.offsetOf(position));
        long[] slot = pending.get(header.chunkStreamId());
        if (slot == null) {
            slot = new long[1];
            pending.put(header.chunkStreamId(), slot);
        }
        slot[0] = position;
        return true;
    }

    /** A media message is complete in the ring: parse its tag header in place and publish it. */
    public void onMedia(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        long position = pending.get(header.chunkStreamId())[0];
        if (header.messageTypeId() == MessageTypeIds.VIDEO) {
            publishVideo(header, buffer, offset, length, position);
        } else {
            publishAudio(header, buffer, offset, length, position);
        }
    }

    private void publishVideo(MessageHeader header, DirectBuffer buffer, int offset, int length, long position) {
        VideoTagHeader h = videoHeader.wrap(buffer, offset, length);
        if (h.frameType() == VideoTagHeader.FRAME_TYPE_INFO_COMMAND) {
            messagesDropped++;
            return;
        }
        Codec codec = switch (h.codecId()) {
            case VideoTagHeader.CODEC_ID_AVC -> Codec.AVC;
            case VideoTagHeader.CODEC_ID_HEVC -> Codec.HEVC;
            default -> Codec.OTHER_VIDEO;
        };
        boolean sequenceHeader = h.isSequenceHeader();
        if (sequenceHeader) {
            publisher.updateFormat(formats.videoFormat(codec, buffer, offset, length, h.headerLength()));
        } else if (formats.needsFormat(codec)) {
            publisher.updateFormat(formats.formatWithoutConfig(codec, 0, 0));
        }
        publisher.publish(TrackKind.VIDEO, position, length, h.headerLength(), codec, h.isKeyFrame(),
                sequenceHeader, header.timestampMs(), h.compositionTimeOffsetMs(), readNanos);
        framesPublished++;
    }

    private void publishAudio(MessageHeader header, DirectBuffer buffer, int offset, int length, long position) {
        AudioTagHeader h = audioHeader.wrap(buffer, offset, length);
        Codec codec = switch (h.soundFormat()) {
            case AudioTagHeader.FORMAT_AAC -> Codec.AAC;
            case AudioTagHeader.FORMAT_MP3 -> Codec.MP3;
            default -> Codec.OTHER_AUDIO;
        };
        boolean sequenceHeader = h.isSequenceHeader();
        if (sequenceHeader) {
            publisher.updateFormat(formats.audioFormat(codec, buffer, offset, length, h.headerLength()));
        } else if (formats.needsFormat(codec)) {
            publisher.updateFormat(formats.formatWithoutConfig(codec, h.soundRateHz(), h.soundType() + 1));
        }
        publisher.publish(TrackKind.AUDIO, position, length, h.headerLength(), codec, false, sequenceHeader,
                header.timestampMs(), 0, readNanos);
        framesPublished++;
    }

    /** The peer aborted a media message: its reserved region is simply never published. */
    public void onMediaAborted(MessageHeader header) {
        messagesDropped++;
    }

    /**
     * A data message (AMF0): {@code @setDataFrame onMetaData {...}} or {@code onMetaData {...}} sets the stream's
     * metadata, stored as an FLV script tag body ("onMetaData" and its array). Other data messages are ignored.
     */
    public void onData(DirectBuffer buffer, int offset, int length) {
        if (publisher == null) {
            return;
        }
        amf.wrap(buffer, offset, length);
        Object first = amf.readValue();
        int start = offset;
        if (SET_DATA_FRAME.equals(first)) {
            start = offset + amf.position();
            first = amf.readValue();
        }
        if (!ON_METADATA.equals(first)) {
            return;
        }
        java.util.List<Object> values = amf.readAll();
        boolean keepVideo = publisher.track(TrackKind.VIDEO) != null;
        boolean keepAudio = publisher.track(TrackKind.AUDIO) != null;
        if ((!keepVideo || !keepAudio) && !values.isEmpty() && values.get(0) instanceof java.util.Map<?, ?> map) {
            publisher.updateMetadata(MetadataFilter.encode(map, keepVideo, keepAudio));
            return;
        }
        byte[] metadata = new byte[offset + length - start];
        buffer.getBytes(start, metadata);
        publisher.updateMetadata(metadata);
    }

    /**
     * Whether an AMF0 data message carries stream metadata ({@code @setDataFrame} or {@code onMetaData} first),
     * the ones {@link #onData} keeps; other data messages ({@code |RtmpSampleAccess}) are not. Reads the first
     * string in place, without allocating; any thread.
     */
    public static boolean isMetadata(DirectBuffer buffer, int offset, int length) {
        return startsWithString(buffer, offset, length, SET_DATA_FRAME)
                || startsWithString(buffer, offset, length, ON_METADATA);
    }

    private static boolean startsWithString(DirectBuffer buffer, int offset, int length, String expected) {
        int n = expected.length();
        if (length < AMF0_STRING_HEADER_BYTES + n || buffer.getByte(offset) != AMF0_STRING_MARKER
                || (((buffer.getByte(offset + 1) & 0xFF) << 8) | (buffer.getByte(offset + 2) & 0xFF)) != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (buffer.getByte(offset + AMF0_STRING_HEADER_BYTES + i) != (byte) expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static TrackKind kindOf(MessageHeader header) {
        return header.messageTypeId() == MessageTypeIds.VIDEO ? TrackKind.VIDEO : TrackKind.AUDIO;
    }
}
