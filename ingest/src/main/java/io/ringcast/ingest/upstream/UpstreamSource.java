package io.ringcast.ingest.upstream;

import org.agrona.MutableDirectBuffer;

import java.io.IOException;

/**
 * The bytes an upstream sends, read with a timeout; owned by the pull's thread. The socket of a pull, or in tests and
 * fuzzing an array handed out in pieces.
 */
public interface UpstreamSource {
    /**
     * Reads at least one and at most {@code length} bytes into {@code dst} at {@code offset}, waiting for them up to
     * the source's read timeout; -1 at the end of the stream. {@code dst} is the pull's own read buffer or a region
     * reserved in a track ring: a socket writes there directly, with no copy in between.
     *
     * @throws UpstreamException when nothing arrived within the read timeout
     * @throws IOException       on a socket error, or after a close from another thread
     */
    int read(MutableDirectBuffer dst, int offset, int length) throws IOException;
}
