package io.ringcast.broadcast.subscribe;

/**
 * The slow-viewer policy for one subscription: when to skip forward to the newest keyframe and when to give up.
 * Owned by the subscription's egress worker thread; time comes from the caller.
 *
 * <ul>
 *   <li>The viewer is behind while the next frame it would be sent is older than {@code skipLagNs}.</li>
 *   <li>While behind, if a newer keyframe exists, it skips there ({@link Decision#SKIP_TO_KEYFRAME}).</li>
 *   <li>A viewer that stays behind, or cannot be written to at all, for {@code disconnectLagNs} is dropped.</li>
 *   <li>Catching up (a frame younger than {@code skipLagNs}) clears the state.</li>
 * </ul>
 */
public final class LagPolicy {
    /** What to do with the next frame. */
    public enum Decision { SEND, SKIP_TO_KEYFRAME, DISCONNECT }

    private static final long NOT_BEHIND = Long.MIN_VALUE;

    private final long skipLagNs;
    private final long disconnectLagNs;
    private long behindSinceNs = NOT_BEHIND;
    private long blockedSinceNs = NOT_BEHIND;

    public LagPolicy(long skipLagNs, long disconnectLagNs) {
        if (skipLagNs <= 0 || disconnectLagNs < skipLagNs) {
            throw new IllegalArgumentException("need 0 < skipLagNs <= disconnectLagNs: " + skipLagNs + ", "
                    + disconnectLagNs);
        }
        this.skipLagNs = skipLagNs;
        this.disconnectLagNs = disconnectLagNs;
    }

    /**
     * Decides for the next frame to send.
     *
     * @param nowNs                  current time
     * @param frameIngestNs          ingest time of the next frame
     * @param newerKeyframeAvailable whether a keyframe newer than that frame is in the ring
     */
    public Decision onFrame(long nowNs, long frameIngestNs, boolean newerKeyframeAvailable) {
        blockedSinceNs = NOT_BEHIND;
        if (nowNs - frameIngestNs <= skipLagNs) {
            behindSinceNs = NOT_BEHIND;
            return Decision.SEND;
        }
        if (behindSinceNs == NOT_BEHIND) {
            behindSinceNs = nowNs;
        } else if (nowNs - behindSinceNs > disconnectLagNs) {
            return Decision.DISCONNECT;
        }
        return newerKeyframeAvailable ? Decision.SKIP_TO_KEYFRAME : Decision.SEND;
    }

    /** The viewer had data waiting but could not take it; returns true when it has been so too long. */
    public boolean onBlocked(long nowNs) {
        if (blockedSinceNs == NOT_BEHIND) {
            blockedSinceNs = nowNs;
            return false;
        }
        return nowNs - blockedSinceNs > disconnectLagNs;
    }

    /** The viewer has been sent everything there is: it is live. */
    public void onCaughtUp() {
        behindSinceNs = NOT_BEHIND;
        blockedSinceNs = NOT_BEHIND;
    }
}
