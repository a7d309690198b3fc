package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.subscribe.Subscription;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One connection publishing a local stream to a push target (RTMP publish), as the relay drives it:
 * {@link #connect} negotiates on a relay pool thread and returns the ring {@link Subscription} that feeds the
 * connection like a viewer (metadata and sequence headers first, a slow target skips to a keyframe); the relay adds
 * it to the fan-out. The relay makes a new one for every reconnect.
 */
public interface UpstreamPush extends AutoCloseable {
    /**
     * Connects and starts publishing (RTMP: handshake, connect, createStream, publish); blocks the calling relay pool
     * thread, every step with a timeout.
     *
     * @param onClosed told once, with the reason, when the connection ends other than by {@link #close()}: the target
     *                 dropped it, or its subscription closed the sink (stream closed, too slow); any thread
     * @return the subscription of {@code stream} feeding this connection, not yet added to the fan-out
     * @throws UpstreamException with the reason when the target refuses, times out or breaks the protocol
     * @throws IOException       on a socket error
     */
    Subscription connect(Stream stream, RingConfig rings, Consumer<String> onClosed) throws IOException;

    /** Bytes written to the target so far; any thread. */
    long bytesWritten();

    /** Frames written to the target so far; any thread. */
    long framesWritten();

    /** Times the subscription skipped to a newer keyframe because the target was too slow; any thread. */
    long skips();

    /** Ends the connection (and a {@link #connect} in progress) promptly, without telling the listener; any thread. */
    @Override
    void close();
}
