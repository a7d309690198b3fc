package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * Where a subscription's frames go: one viewer's connection, packaged by its protocol (HTTP-FLV, RTMP play).
 * Called only by the subscription's egress worker thread, never concurrently; implementations must not block.
 *
 * <p>An {@link IOException} from any method ends the subscription (the viewer went away).
 */
public interface FrameSink {
    /** Free bytes guaranteed in front of a frame payload handed to {@link #writeFrame}, for the packager's header. */
    int HEADROOM_BYTES = 32;
    /** Free bytes guaranteed after a frame payload handed to {@link #writeFrame}, for the packager's trailer. */
    int TAILROOM_BYTES = 16;

    /** Whether the sink can take more bytes now without blocking. When false, it must later call its waker. */
    boolean isReady() throws IOException;

    /**
     * Writes what a viewer needs before any frame: container header, metadata, sequence headers.
     *
     * @param metadata    stream metadata as published (AMF0 onMetaData body), or null
     * @param videoFormat current video configuration, or null when the stream has no video
     * @param audioFormat current audio configuration, or null when the stream has no audio
     */
    void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) throws IOException;

    /**
     * Sends new stream metadata mid-stream (an AMF0 onMetaData body): a new source (a publisher that reconnected, a
     * switch to or from a backup) starts with its own. Sinks that carry no metadata ignore it.
     */
    default void writeMetadata(byte[] metadata, long timestampMs) throws IOException {
    }

    /** Re-sends a track's configuration, e.g. after the subscriber skipped frames that may have changed it. */
    void writeSequenceHeader(TrackFormat format, long timestampMs) throws IOException;

    /**
     * Writes one frame. The payload is a private copy at {@code buffer[offset, offset + length)}, with
     * {@link #HEADROOM_BYTES} writable bytes before it and {@link #TAILROOM_BYTES} after it, valid until this
     * call returns.
     */
    void writeFrame(TrackKind kind, FrameEvent frame, MutableDirectBuffer buffer, int offset, int length)
            throws IOException;

    /** Pushes buffered bytes towards the network at the end of a batch. */
    void flush() throws IOException;

    /** Ends the viewer's connection; idempotent. */
    void close(CloseReason reason);
}
