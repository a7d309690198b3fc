package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * Where a subscription's frames go: one viewer's connection, packaged by its protocol (HTTP-FLV, RTMP play).
 * Called only by the subscription's egress worker thread, never concurrently; implementations must not block.
 *
 * <p>An {@link IOException} from any method ends the subscription (the viewer went away).
 */
public interface FrameSink {
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
     * Writes one frame whose payload lies in its track's payload ring at {@code payload[offset, offset + length)}:
     * shared with every viewer, read-only, and the producer may overwrite it once it laps this viewer. The sink
     * writes it to the network from there (a gathering write: zero-copy), now or together with the batch's other
     * frames at {@link #flush()}, and copies only what the socket did not take, before that flush returns; it keeps
     * no reference to the ring afterwards. The subscription checks after the flush that the producer did not reach
     * those bytes meanwhile, and cuts the viewer if it did (the bytes may be torn).
     */
    void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length)
            throws IOException;

    /** Writes the batch's frames not written yet and pushes buffered bytes towards the network. */
    void flush() throws IOException;

    /** Ends the viewer's connection; idempotent. */
    void close(CloseReason reason);
}
