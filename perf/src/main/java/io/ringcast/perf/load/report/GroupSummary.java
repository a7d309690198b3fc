package io.ringcast.perf.load.report;

import io.ringcast.perf.load.viewer.EndReason;
import io.ringcast.perf.load.viewer.FrameTracker;
import io.ringcast.perf.load.viewer.ViewerConnection;
import io.ringcast.perf.load.viewer.ViewerGroup;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * What happened to one group of viewers, computed once from its connections after every viewer thread ended.
 * Times in milliseconds, latency in microseconds, throughput in bits per second of the measured window.
 *
 * @param connected       viewers whose request (HTTP GET, RTMP play) went out
 * @param closedByServer  viewers the server closed or reset: seen as end of stream or an error, or, for viewers that
 *                        do not read, in the kernel's socket tables
 * @param closedAfterMs   request to server close, over the viewers the server closed
 * @param firstKeyframeMs request to first keyframe fully received, over the viewers that got one
 * @param throughputBps   bits per second received in the window, over the connected viewers
 * @param ignoredMessages messages skipped unread (RTMP aggregates would hide frames there)
 * @param ends            how the connections ended, by reason ({@code OPEN_AT_END}: we closed them at the end)
 * @param firstFailure    the first refusal or error, for the reader; null if none
 */
public record GroupSummary(String name, String protocol, String mode, int requested, int connected,
                           int closedByServer, Percentiles closedAfterMs, Percentiles firstKeyframeMs,
                           FrameCounts frames, LatencyStats latency, LatencyStats videoLatency,
                           LatencyStats audioLatency, Percentiles throughputBps, long bytesReceived,
                           long bytesInWindow, long ignoredMessages, Map<EndReason, Integer> ends,
                           String firstFailure) {
    private static final double NANOS_PER_MILLI = 1e6;
    private static final int BITS_PER_BYTE = 8;

    /** Summarises a group; call after its viewer threads ended and its latency was sampled a last time. */
    public static GroupSummary of(ViewerGroup group, double windowSeconds) {
        List<ViewerConnection> all = group.connections();
        List<ViewerConnection> connected = all.stream()
                .filter(c -> c.frameTracker().requestSentNs() != FrameTracker.NOT_YET).toList();
        List<ViewerConnection> closed = connected.stream()
                .filter(c -> serverClosedNs(c) != FrameTracker.NOT_YET).toList();
        List<ViewerConnection> withKeyframe = connected.stream()
                .filter(c -> c.frameTracker().hasFirstKeyframe()).toList();
        Map<EndReason, Integer> ends = new EnumMap<>(EndReason.class);
        all.stream().filter(c -> c.endReason() != null).forEach(c -> ends.merge(c.endReason(), 1, Integer::sum));
        String firstFailure = all.stream().filter(c -> isFailure(c.endReason())).findFirst()
                .map(c -> c.endReason() + ": " + c.endDetail()).orElse(null);
        Histogram latencyNs = group.videoTotalNs().copy();
        latencyNs.add(group.audioTotalNs());
        return new GroupSummary(group.name(), group.protocol().id(), group.mode().name().toLowerCase(Locale.ROOT),
                group.requested(), connected.size(), closed.size(),
                percentiles(closed, c -> sinceRequestMs(c, serverClosedNs(c))),
                percentiles(withKeyframe, c -> sinceRequestMs(c, c.frameTracker().firstKeyframeNs())),
                FrameCounts.of(all.stream().map(ViewerConnection::frameTracker).toList()),
                LatencyStats.of(latencyNs), LatencyStats.of(group.videoTotalNs()),
                LatencyStats.of(group.audioTotalNs()),
                percentiles(connected, c -> windowSeconds > 0 ? c.bytesInWindow() * BITS_PER_BYTE / windowSeconds : 0),
                all.stream().mapToLong(ViewerConnection::bytesReceived).sum(),
                all.stream().mapToLong(ViewerConnection::bytesInWindow).sum(),
                all.stream().mapToLong(ViewerConnection::ignoredMessages).sum(), ends, firstFailure);
    }

    /** When the server closed the viewer: what the viewer saw, or else what the socket tables showed. */
    private static long serverClosedNs(ViewerConnection c) {
        EndReason reason = c.endReason();
        long seenNs = reason == EndReason.CLOSED_BY_SERVER || reason == EndReason.RESET ? c.endNs()
                : FrameTracker.NOT_YET;
        long probedNs = c.serverClosedNs();
        if (probedNs == FrameTracker.NOT_YET) {
            return seenNs;
        }
        return seenNs == FrameTracker.NOT_YET ? probedNs : Math.min(seenNs, probedNs);
    }

    private static double sinceRequestMs(ViewerConnection c, long nanoTime) {
        return (nanoTime - c.frameTracker().requestSentNs()) / NANOS_PER_MILLI;
    }

    private static Percentiles percentiles(List<ViewerConnection> connections,
                                           ToDoubleFunction<ViewerConnection> value) {
        return Percentiles.of(connections.stream().mapToDouble(value).toArray());
    }

    private static boolean isFailure(EndReason reason) {
        return reason == EndReason.CONNECT_FAILED || reason == EndReason.REFUSED
                || reason == EndReason.PROTOCOL_ERROR || reason == EndReason.RESET || reason == EndReason.TIMED_OUT;
    }
}
