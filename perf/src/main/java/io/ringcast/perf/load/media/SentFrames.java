package io.ringcast.perf.load.media;

/**
 * What viewers compare their frames with: the publisher's timeline and send times of each track. Shared by the
 * publisher thread (the only writer of the send times) and every viewer thread.
 */
public final class SentFrames {
    /** Frames whose send times are kept: over 4 minutes of 30 fps video, far more than any viewer lags. */
    public static final int SEND_TIMES_CAPACITY = 8192;

    private final MediaTimeline videoTimeline;
    private final MediaTimeline audioTimeline;
    private final SendTimes video = new SendTimes(SEND_TIMES_CAPACITY);
    private final SendTimes audio = new SendTimes(SEND_TIMES_CAPACITY);

    /** @param plan what the publisher sends; a track it lacks has a null timeline */
    public SentFrames(PublishPlan plan) {
        this.videoTimeline = plan.video();
        this.audioTimeline = plan.audio();
    }

    public MediaTimeline videoTimeline() {
        return videoTimeline;
    }

    public MediaTimeline audioTimeline() {
        return audioTimeline;
    }

    public SendTimes video() {
        return video;
    }

    public SendTimes audio() {
        return audio;
    }
}
