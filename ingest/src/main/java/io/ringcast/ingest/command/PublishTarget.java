package io.ringcast.ingest.command;

import io.ringcast.broadcast.stream.SourceRole;

/** What the command handler needs from the media side of a connection: start and stop a publish. */
public interface PublishTarget {
    /**
     * Result of {@link #startPublish}: REJECTED is a server limit (NetStream.Publish.Rejected), DENIED a name this
     * node may not publish (live on another node of the cluster, or an edge; NetStream.Publish.BadName), both with
     * {@link #refusal()}.
     */
    enum Result { STARTED, BAD_NAME, BAD_KEY, BUSY, REJECTED, DENIED }

    /** Starts publishing {@code app/name} on {@code messageStreamId} as its primary source. */
    default Result startPublish(String app, String name, int messageStreamId) {
        return startPublish(app, name, messageStreamId, SourceRole.PRIMARY);
    }

    /**
     * Starts publishing {@code app/name} on {@code messageStreamId} in {@code role}: the primary, or the backup
     * viewers are switched to while the primary delivers nothing (a stream name with {@code ?backup}).
     */
    Result startPublish(String app, String name, int messageStreamId, SourceRole role);

    /**
     * Why the last {@link #startPublish} answered REJECTED (a server limit, or stream keys that cannot be checked
     * now) or DENIED (the cluster: live on another node), for the onStatus description.
     */
    String refusal();

    /** Ends the current publish, if any. */
    void stopPublish();

    /** Whether a publish is in progress. */
    boolean isPublishing();
}
