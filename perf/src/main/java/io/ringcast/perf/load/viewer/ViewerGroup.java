package io.ringcast.perf.load.viewer;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The viewers of one protocol and mode, e.g. {@code rtmp-stalled}: their connections and their latency. Viewer
 * threads record latency into the group's {@link Recorder}s (wait-free, any number of writers); the coordinating
 * thread samples them every interval and keeps the totals, and owns the connection list.
 */
public final class ViewerGroup {
    /** Smallest latency told apart, in ns: values keep 3 significant digits from 1 ns up. */
    public static final long LOWEST_LATENCY_NS = 1;
    /** Largest latency recorded as such; longer ones count as this. */
    public static final long HIGHEST_LATENCY_NS = 60_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Protocol protocol;
    private final ViewerMode mode;
    private final int requested;
    private final Recorder videoLatencyNs = newRecorder();
    private final Recorder audioLatencyNs = newRecorder();
    private final Histogram videoTotalNs = newHistogram();
    private final Histogram audioTotalNs = newHistogram();
    private final List<ViewerConnection> connections = new ArrayList<>();

    /** @param requested how many viewers the run asks for */
    public ViewerGroup(Protocol protocol, ViewerMode mode, int requested) {
        if (requested <= 0) {
            throw new IllegalArgumentException("requested must be positive: " + requested);
        }
        this.protocol = protocol;
        this.mode = mode;
        this.requested = requested;
    }

    /** E.g. {@code httpflv}, {@code rtmp-trickle}: the tag in the latency log and the key in the summary. */
    public String name() {
        return mode.groupName(protocol);
    }

    public Protocol protocol() {
        return protocol;
    }

    public ViewerMode mode() {
        return mode;
    }

    public int requested() {
        return requested;
    }

    /** Viewer thread: one video frame's latency. */
    public void recordVideoLatency(long latencyNs) {
        videoLatencyNs.recordValue(Math.min(latencyNs, HIGHEST_LATENCY_NS));
    }

    /** Viewer thread: one audio frame's latency. */
    public void recordAudioLatency(long latencyNs) {
        audioLatencyNs.recordValue(Math.min(latencyNs, HIGHEST_LATENCY_NS));
    }

    /**
     * Coordinating thread: the latency of every frame recorded since the last call (video and audio), also added to
     * the totals; its start and end time stamps are set.
     */
    public Histogram sampleInterval() {
        Histogram video = videoLatencyNs.getIntervalHistogram();
        Histogram audio = audioLatencyNs.getIntervalHistogram();
        videoTotalNs.add(video);
        audioTotalNs.add(audio);
        video.add(audio);
        video.setStartTimeStamp(Math.min(video.getStartTimeStamp(), audio.getStartTimeStamp()));
        video.setEndTimeStamp(Math.max(video.getEndTimeStamp(), audio.getEndTimeStamp()));
        video.setTag(name());
        return video;
    }

    /** Coordinating thread: every video frame's latency sampled so far. */
    public Histogram videoTotalNs() {
        return videoTotalNs;
    }

    /** Coordinating thread: every audio frame's latency sampled so far. */
    public Histogram audioTotalNs() {
        return audioTotalNs;
    }

    /** Coordinating thread: the group's connections, in creation order. */
    public List<ViewerConnection> connections() {
        return connections;
    }

    private static Recorder newRecorder() {
        return new Recorder(LOWEST_LATENCY_NS, HIGHEST_LATENCY_NS, SIGNIFICANT_DIGITS);
    }

    private static Histogram newHistogram() {
        return new Histogram(LOWEST_LATENCY_NS, HIGHEST_LATENCY_NS, SIGNIFICANT_DIGITS);
    }
}
