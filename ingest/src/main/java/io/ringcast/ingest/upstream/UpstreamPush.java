package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.subscribe.FrameSink;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One connection publishing a local stream to a push target (RTMP publish): {@link #connect()} negotiates on a
 * relay pool thread, then the returned sink is fed by a ring subscription like a viewer's, so metadata and sequence
 * headers go first on every connection. The relay makes a new one for every reconnect.
 */
public interface UpstreamPush extends AutoCloseable {
    /**
     * Connects and starts publishing (RTMP: handshake, connect, createStream, publish); blocks the calling relay pool
     * thread, every step with a timeout.
     *
     * @return the sink for the subscription that feeds this connection
     * @throws UpstreamException with the reason when the target refuses, times out or breaks the protocol
     * @throws IOException       on a socket error
     */
    FrameSink connect() throws IOException;

    /**
     * Sets what to run, once, when a connected push ends: its sink was closed by its subscription (the stream closed,
     * the target was too slow), or the target dropped the connection. Called with the reason, on any thread; at once
     * when the connection already ended.
     */
    void onClosed(Consumer<String> hook);

    /** Bytes written to the target so far; any thread. */
    long bytesWritten();

    /** Frames written to the target so far; any thread. */
    long framesWritten();

    /** Ends the connection (and a {@link #connect()} in progress) promptly; any thread, idempotent. */
    @Override
    void close();
}
