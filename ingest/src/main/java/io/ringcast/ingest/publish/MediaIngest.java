package io.ringcast.ingest.publish;

import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.auth.PublishRefusedException;
import io.ringcast.broadcast.stream.PublishDeniedException;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.SourceRole;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.RingMemoryExhaustedException;
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
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
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
 *
 * <p>A stream with a backup source: both sources' messages land in this connection's own staging buffer (one per
 * chunk stream, grown to the largest frame) and are {@link StreamPublisher#offer offered} complete, since only the
 * active source may write the rings. A primary that was writing in place when the backup arrived hands over once
 * none of its messages in progress is reserved in a ring ({@link StreamPublisher#acknowledgeSwitch()}).
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
    /** The message in progress on each chunk stream. */
    private final Int2ObjectHashMap<PendingMessage> pending = new Int2ObjectHashMap<>();
    /** Messages in progress reserved in a track ring (written in place). */
    private int openReservations;
    private final StaleTakeover takeover;
    private final java.util.function.Consumer<String> closeConnection;
    private final Clock wallClock;
    private StreamPublisher publisher;
    private long readNanos;
    private long framesPublished;
    private long messagesDropped;
    private String refusal;
    /** The stream's rings could not get direct memory: this connection's media is dropped until it closes. */
    private boolean outOfRingMemory;

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
    public Result startPublish(String app, String name, int messageStreamId, SourceRole role) {
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
            if (role == SourceRole.BACKUP) {
                session = registry.publishBackup(path, info, false);
            } else {
                session = registry.publish(path, info, false);
                if (session == null) {
                    session = takeover.takeOver(registry, path, info, readNanos, remote);
                }
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
        LOG.info("{} publishes {}{}", remote, path, role == SourceRole.BACKUP ? " as its backup" : "");
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
            openReservations = 0;
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
        StreamPublisher p = publisher;
        TrackRing ring = p == null ? null : p.track(kindOf(header));
        int length = header.messageLength();
        if (ring == null || length == 0 || p.stream().isClosed() || outOfRingMemory) {
            messagesDropped++;
            return false;
        }
        if (length > ring.maxFrameBytes()) {
            throw new RtmpProtocolException("media message larger than the track ring allows",
                    length + " > " + ring.maxFrameBytes() + " bytes");
        }
        PendingMessage message = pending.get(header.chunkStreamId());
        if (message == null) {
            message = new PendingMessage();
            pending.put(header.chunkStreamId(), message);
        }
        message.open = true;
        if (p.isSwitched() && switchAcknowledged(p)) {
            message.staged = true;
            target.wrap(message.staging(length), 0);
            return true;
        }
        long position;
        try {
            position = ring.reserve(length);
        } catch (RingMemoryExhaustedException e) {
            message.open = false;
            endForRingMemory(p, e);
            return false;
        }
        target.wrap(ring.payloadBuffer(), ring.offsetOf(position));
        message.staged = false;
        message.position = position;
        openReservations++;
        return true;
    }

    /**
     * The stream's ring could not get its memory at this publisher's first frame: its media is dropped from now on
     * and the connection is closed with the reason (the log names it; the refusal is counted by the registry).
     */
    private void endForRingMemory(StreamPublisher p, RingMemoryExhaustedException e) {
        messagesDropped++;
        if (outOfRingMemory) {
            return;
        }
        outOfRingMemory = true;
        String reason = p.stream().path() + " cannot take media: " + e.getMessage();
        LOG.warn("{}: publish ended: {}", remote, reason);
        if (closeConnection != null) {
            closeConnection.accept(reason);
        }
    }

    /** Whether a switched session writes only by offering: acknowledges the switch once nothing is in place. */
    private boolean switchAcknowledged(StreamPublisher p) {
        if (p.needsSwitchAcknowledged()) {
            if (openReservations > 0) {
                return false;
            }
            p.acknowledgeSwitch();
        }
        return true;
    }

    /** A media message is complete (in the ring, or staged): parse its tag header in place and publish it. */
    public void onMedia(MessageHeader header, DirectBuffer buffer, int offset, int length) {
        PendingMessage message = pending.get(header.chunkStreamId());
        long position = message.staged ? PendingMessage.STAGED : message.position;
        message.open = false;
        if (!message.staged) {
            openReservations--;
        }
        try {
            if (header.messageTypeId() == MessageTypeIds.VIDEO) {
                publishVideo(header, buffer, offset, length, position);
            } else {
                publishAudio(header, buffer, offset, length, position);
            }
        } catch (RingMemoryExhaustedException e) {
            endForRingMemory(publisher, e); // a switched source's first frame: its feed reserves when it writes
        }
        if (openReservations == 0 && publisher != null && publisher.needsSwitchAcknowledged()) {
            publisher.acknowledgeSwitch();
        }
    }

    private void publishVideo(MessageHeader header, DirectBuffer buffer, int offset, int length, long position) {
        VideoTagHeader h = videoHeader.wrap(buffer, offset, length);
        if (h.frameType() == VideoTagHeader.FRAME_TYPE_INFO_COMMAND || !h.isSupported() || h.isMetadata()) {
            messagesDropped++;
            return;
        }
        Codec codec = h.isExtended() ? codecOf(h.fourCc()) : switch (h.codecId()) {
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
        if (position == PendingMessage.STAGED) {
            publisher.offer(TrackKind.VIDEO, buffer, offset, length, h.headerLength(), codec, h.isKeyFrame(),
                    sequenceHeader, header.timestampMs(), h.compositionTimeOffsetMs(), readNanos);
        } else {
            publisher.publish(TrackKind.VIDEO, position, length, h.headerLength(), codec, h.isKeyFrame(),
                    sequenceHeader, header.timestampMs(), h.compositionTimeOffsetMs(), readNanos);
        }
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
        if (position == PendingMessage.STAGED) {
            publisher.offer(TrackKind.AUDIO, buffer, offset, length, h.headerLength(), codec, false, sequenceHeader,
                    header.timestampMs(), 0, readNanos);
        } else {
            publisher.publish(TrackKind.AUDIO, position, length, h.headerLength(), codec, false, sequenceHeader,
                    header.timestampMs(), 0, readNanos);
        }
        framesPublished++;
    }

    /** The peer aborted a media message: its reserved region is simply never published. */
    public void onMediaAborted(MessageHeader header) {
        PendingMessage message = pending.get(header.chunkStreamId());
        if (message != null && message.open && !message.staged) {
            openReservations--;
        }
        if (message != null) {
            message.open = false;
        }
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

    /**
     * The message in progress on one chunk stream: reserved in a ring at {@code position}, or staged in this
     * connection's own buffer (a switched session). Reused for every message of its chunk stream.
     */
    private static final class PendingMessage {
        static final long STAGED = -1;
        long position;
        boolean staged;
        /** Between an accepted start and its completion or abort. */
        boolean open;
        private UnsafeBuffer staging;

        /** The staging buffer, grown (to a power of two) when a message is larger than any before. */
        UnsafeBuffer staging(int length) {
            if (staging == null || staging.capacity() < length) {
                staging = new UnsafeBuffer(new byte[BitUtil.findNextPositivePowerOfTwo(Math.max(length, 4096))]);
            }
            return staging;
        }
    }

    /** The codec an Enhanced RTMP FourCC names; unknown ones pass through as {@link Codec#OTHER_VIDEO}. */
    private static Codec codecOf(int fourCc) {
        if (fourCc == VideoTagHeader.FOURCC_HVC1) {
            return Codec.HEVC;
        } else if (fourCc == VideoTagHeader.FOURCC_AV01) {
            return Codec.AV1;
        } else if (fourCc == VideoTagHeader.FOURCC_VP09) {
            return Codec.VP9;
        } else if (fourCc == VideoTagHeader.FOURCC_AVC1) {
            return Codec.AVC;
        }
        return Codec.OTHER_VIDEO;
    }

    private static TrackKind kindOf(MessageHeader header) {
        return header.messageTypeId() == MessageTypeIds.VIDEO ? TrackKind.VIDEO : TrackKind.AUDIO;
    }
}
