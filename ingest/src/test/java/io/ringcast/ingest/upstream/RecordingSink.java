package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** A viewer that records what it is sent: start, frames' kind, timestamp and keyframe flag. Worker thread writes. */
final class RecordingSink implements FrameSink {
    record Frame(TrackKind kind, long timestampMs, boolean keyframe, boolean sequenceHeader) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private volatile boolean started;
    private volatile byte[] metadata;

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void writeStart(byte[] meta, TrackFormat videoFormat, TrackFormat audioFormat) {
        this.metadata = meta;
        this.started = true;
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) {
    }

    @Override
    public synchronized void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset,
                                        int length) {
        frames.add(new Frame(kind, frame.timestampMs(), frame.isKeyframe(), frame.isSequenceHeader()));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close(CloseReason reason) {
    }

    boolean started() {
        return started;
    }

    byte[] metadata() {
        return metadata;
    }

    synchronized List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    /** Video frame timestamps in the order sent. */
    synchronized List<Long> videoTimestamps() {
        return frames.stream().filter(f -> f.kind() == TrackKind.VIDEO && !f.sequenceHeader())
                .map(Frame::timestampMs).toList();
    }

    synchronized long keyframes() {
        return frames.stream().filter(Frame::keyframe).count();
    }

    synchronized long count(TrackKind kind) {
        return frames.stream().filter(f -> f.kind() == kind && !f.sequenceHeader()).count();
    }
}
