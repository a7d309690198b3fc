package io.ringcast.ingest.command;

import io.ringcast.broadcast.LimitExceededException;

/**
 * What the command handler needs from the playing side of a connection: start, pause, restart and stop playback
 * of a live stream. Called on whichever thread owns the connection's commands at the time.
 */
public interface PlayTarget {
    /** Result of {@link #startPlay}. */
    enum Result { STARTED, NOT_FOUND, BUSY }

    /**
     * Starts playing {@code app/name} on {@code messageStreamId}; NOT_FOUND when no such stream is live (or, with
     * {@code mayDemand}, can be demanded from an on-demand source).
     *
     * @param mayDemand false for another node's cluster pull ({@link io.ringcast.ingest.ClusterPullMark}): only a
     *                  stream held here is played, nothing is demanded
     * @throws LimitExceededException when the stream already has its maximum of viewers (checked before anything
     *                                is sent, so the refusal is the only answer to the play)
     * @throws io.ringcast.broadcast.stream.SourceUnavailableException when an on-demand source cannot tell now
     *                                whether it could deliver the stream (its directory is down)
     */
    Result startPlay(String app, String name, int messageStreamId, boolean mayDemand);

    /**
     * Pauses (stops sending media) or resumes (from the newest keyframe); returns false when nothing plays or the
     * state already is the requested one.
     */
    boolean pause(boolean paused);

    /** Restarts a live stream at its newest keyframe, as a seek on live means; false when nothing plays. */
    boolean seekToLive();

    /** Stops playback; returns the message stream id that played, or 0 when none did. */
    int stopPlay();

    /** Whether this connection accepted a play: it is a viewer for good and may not publish. */
    boolean isPlayer();

    /** A connection that never plays (tests, publish-only setups). */
    PlayTarget NONE = new PlayTarget() {
        @Override
        public Result startPlay(String app, String name, int messageStreamId, boolean mayDemand) {
            return Result.NOT_FOUND;
        }

        @Override
        public boolean pause(boolean paused) {
            return false;
        }

        @Override
        public boolean seekToLive() {
            return false;
        }

        @Override
        public int stopPlay() {
            return 0;
        }

        @Override
        public boolean isPlayer() {
            return false;
        }
    };
}
