package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** A sink that records what it was given, as text lines, and can be told to stop accepting writes. */
class RecordingSink implements FrameSink {
    final List<String> events = new ArrayList<>();
    final List<Long> timestamps = new ArrayList<>();
    boolean ready = true;
    CloseReason closed;
    int flushes;

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
        events.add("start meta=" + (metadata == null ? 0 : metadata.length) + " video=" + (videoFormat != null)
                + " audio=" + (audioFormat != null));
    }

    @Override
    public void writeSequenceHeader(TrackFormat format, long timestampMs) {
        events.add("config " + format.codec());
    }

    @Override
    public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset, int length) {
        events.add(kind + " " + frame.timestampMs() + (frame.isKeyframe() ? " key" : "") + " byte="
                + buffer.getByte(offset + length - 1));
        timestamps.add(frame.timestampMs());
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void close(CloseReason reason) {
        closed = reason;
    }

    List<String> frames() {
        return events.stream().filter(e -> e.startsWith("VIDEO") || e.startsWith("AUDIO")).toList();
    }
}
