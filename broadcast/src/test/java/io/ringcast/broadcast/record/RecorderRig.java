package io.ringcast.broadcast.record;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Test rig: one engine stream fed from FLV tags on the test thread, and an {@link FlvRecorder} called directly on
 * that thread for each published frame (as the tap's thread would), with its real writer thread and files. Time
 * for flushing is a {@link ManualClock}; file names come from a wall clock the test sets.
 */
final class RecorderRig implements AutoCloseable {
    static final StreamPath PATH = StreamPath.parse("live/rec");
    private static final int AVC_HEADER_BYTES = 5;
    private static final int AAC_HEADER_BYTES = 2;
    private static final int CODEC_AVC = 7;

    final ManualClock clock = new ManualClock(0);
    final RecordingStatus status = new RecordingStatus(PATH);
    final RecordingOutcomes outcomes = new RecordingOutcomes(16);
    final Path directory;
    final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock);
    final ChunkPipe pipe;
    final FlvRecorder recorder;
    private final Thread writer;
    /** Wall clock that names files: 2025-11-21T09:30:00Z, one second later at each file, so names sort by age. */
    long wallClockMs = 1_763_717_400_000L;
    private StreamPublisher publisher;
    private int session;

    RecorderRig(Path directory, RecordConfig config) {
        this(directory, config, ChannelOpener.FILES);
    }

    RecorderRig(Path directory, RecordConfig config, ChannelOpener opener) {
        this.directory = directory;
        this.publisher = newPublisher();
        this.pipe = new ChunkPipe(config.chunkCount(), RecordConfig.CHUNK_BYTES);
        this.writer = new RecordingWriter(PATH, pipe, new RecordingFiles(directory, PATH, opener), status, outcomes,
                () -> wallClockMs).start();
        this.recorder = new FlvRecorder(stream(), config.withDirectory(directory), clock, this::nextFileTime, pipe,
                status);
    }

    private long nextFileTime() {
        long now = wallClockMs;
        wallClockMs += 1_000;
        return now;
    }

    Stream stream() {
        return publisher.stream();
    }

    /** Publishes every tag of a source (metadata as stream metadata), shifting timestamps by {@code offsetMs}. */
    void feed(FlvFile source, long offsetMs) {
        for (FlvFile.Tag tag : source.tags()) {
            feed(tag, offsetMs);
        }
    }

    /** Publishes one tag into the stream and hands the published frame to the recorder; returns the frame. */
    FrameEvent feed(FlvFile.Tag tag, long offsetMs) {
        return publish(tag, offsetMs, true);
    }

    /** Publishes one tag into the stream without showing it to the recorder (it was not attached yet). */
    void publishOnly(FlvFile.Tag tag, long offsetMs) {
        publish(tag, offsetMs, false);
    }

    /**
     * As {@link #feed(FlvFile.Tag, long)}, returning the bytes the recorder allocated on this thread while it took
     * the frame (publishing it is not counted); -1 for metadata.
     */
    long feedCountingAllocation(FlvFile.Tag tag, long offsetMs) {
        allocatedInRecorder = -1;
        publish(tag, offsetMs, true);
        return allocatedInRecorder;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    private long allocatedInRecorder;

    private FrameEvent publish(FlvFile.Tag tag, long offsetMs, boolean record) {
        if (tag.type() == FlvFile.TYPE_SCRIPT) {
            publisher.updateMetadata(tag.body());
            return null;
        }
        TrackKind kind = tag.type() == FlvFile.TYPE_VIDEO ? TrackKind.VIDEO : TrackKind.AUDIO;
        byte[] body = tag.body();
        boolean video = kind == TrackKind.VIDEO;
        Codec codec = video ? ((body[0] & 0x0F) == CODEC_AVC ? Codec.AVC : Codec.OTHER_VIDEO) : Codec.AAC;
        int headerLength = video ? AVC_HEADER_BYTES : AAC_HEADER_BYTES;
        boolean sequenceHeader = tag.isSequenceHeader();
        if (sequenceHeader) {
            publisher.updateFormat(new TrackFormat(codec, body, headerLength, 0, 0, 0, 0));
        }
        TrackRing ring = publisher.track(kind);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body);
        // AVC: the composition time is a signed 24-bit field after the packet type.
        int compositionTimeMs = video ? ((body[2] & 0xFF) << 24 | (body[3] & 0xFF) << 16 | (body[4] & 0xFF) << 8) >> 8
                : 0;
        publisher.publish(kind, position, body.length, headerLength, codec, video && (body[0] & 0xF0) >> 4 == 1,
                sequenceHeader, tag.timestampMs() + offsetMs, compositionTimeMs, System.nanoTime());
        FrameEvent frame = ring.slot(ring.cursor());
        if (!record) {
            return frame;
        }
        if (frame.session() != session) {
            session = frame.session();
            recorder.onNewSession(session);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        recorder.onFrame(kind, frame, ring.payloadBuffer(), ring.offsetOf(frame.payloadPosition()),
                frame.payloadLength());
        allocatedInRecorder = THREADS.getCurrentThreadAllocatedBytes() - before;
        return frame;
    }

    /** Ends the publisher session; the next {@link #feed} comes from a new one (a reconnect). */
    void reconnect() {
        publisher.close();
        publisher = newPublisher();
    }

    /** Ends the recording as the tap would and waits for the writer to close the file. */
    @Override
    public void close() throws InterruptedException {
        recorder.onEnd();
        writer.join(Duration.ofSeconds(10).toMillis());
        if (writer.isAlive()) {
            throw new AssertionError("writer did not end");
        }
        publisher.close();
    }

    /** The recorded files, oldest first. */
    List<Path> files() throws IOException {
        Path dir = directory.resolve(PATH.app()).resolve(PATH.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
        }
    }

    private StreamPublisher newPublisher() {
        StreamPublisher p = registry.publish(PATH, new PublisherInfo("test", "127.0.0.1:1", 0), false);
        if (p == null) {
            throw new IllegalStateException("stream busy");
        }
        return p;
    }
}
