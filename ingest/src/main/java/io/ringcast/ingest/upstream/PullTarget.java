package io.ringcast.ingest.upstream;

import io.ringcast.ingest.publish.MediaIngest;

/** Where an {@link UpstreamPull} delivers: the relay that runs it. Called on the pull's thread. */
public interface PullTarget {
    /**
     * The upstream confirmed the stream: starts publishing it locally and returns the ingest to feed (timestamps,
     * sequence headers, metadata and rings are handled there as for any publisher).
     *
     * @throws UpstreamException when the engine refused the publish (closed stream, limits): the pull ends
     */
    MediaIngest live() throws UpstreamException;

    /** Counts bytes read from the upstream (for the relay's stats); per read, cheap. */
    void bytesRead(int bytes);
}
