package io.ringcast.perf.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on an edge's uplink (its packets to and from the origins only, so the viewers' own link stays clean) while
 * Java viewers watch at the edge and one reference viewer at the origin: random loss, a tbf rate limit, a cut.
 * Each scenario asserts the viewers keep playing (no disconnect, timestamps never back, video keeps arriving) and
 * prints their arrival delay behind the origin's viewer and the edge's skips. Used by the test thread.
 */
final class EdgeFaults {
    private static final int VIEWERS = 5;
    private static final long FAULT_S = 20;
    private static final long CUT_S = 3;
    private static final double MIN_FRAME_SHARE = 0.8;

    private final String label;
    private final Topology topology;
    private final Node edge;
    private final Node origin;
    private final String stream;
    private final List<String> uplinkPeers;

    /** Faults on {@code edge}'s link to {@code uplinkPeers} (host names), watching {@code stream} ("live/cam"). */
    EdgeFaults(String label, Topology topology, Node edge, Node origin, String stream, List<String> uplinkPeers) {
        this.label = label;
        this.topology = topology;
        this.edge = edge;
        this.origin = origin;
        this.stream = stream;
        this.uplinkPeers = uplinkPeers;
    }

    /** 1 % random loss both ways between the edge and the origins for 20 s. */
    void randomLoss(double percent) {
        Netns.loss(edge.host(), percent, uplinkPeers.toArray(String[]::new));
        try {
            watchThrough(percent + " % loss on the uplink");
        } finally {
            Netns.clear(edge.host());
        }
    }

    /** The edge's downlink (origin to edge) limited by tbf to {@code kbit} for 20 s. */
    void rateLimit(int kbit) {
        Netns.rate(edge.host(), kbit, "in");
        try {
            watchThrough("uplink limited to " + kbit + " kbit/s (tbf)");
        } finally {
            Netns.clear(edge.host());
        }
    }

    /** The edge's link to the origins cut for 3 s: the edge reconnects by itself and its viewers resume. */
    void cut() throws InterruptedException {
        List<Watcher> viewers = startViewers();
        Netns.cut(edge.host(), uplinkPeers.toArray(String[]::new));
        long cutNs = System.nanoTime();
        try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(CUT_S)); // the fault's duration, not a synchronisation
        } finally {
            Netns.clear(edge.host());
        }
        long restoredNs = System.nanoTime();
        Await.until("the edge's viewers get video again after the cut", Duration.ofSeconds(30),
                () -> viewers.stream().allMatch(v -> v.videoTagsBetween(restoredNs, System.nanoTime()) > Media.FPS));
        long endNs = System.nanoTime();
        long[] resumes = new long[viewers.size()];
        long[] gaps = new long[viewers.size()];
        for (int i = 0; i < viewers.size(); i++) {
            resumes[i] = viewers.get(i).firstVideoAfterMs(restoredNs);
            gaps[i] = viewers.get(i).longestGapMs(cutNs, endNs);
        }
        System.out.println(label + ": " + CUT_S + " s cut of the uplink: first video after the link returned "
                + Percentiles.summary(resumes) + "; longest gap " + Percentiles.summary(gaps) + "; edge: "
                + edgeCounters());
        assertPlaying(viewers);
        viewers.forEach(Watcher::close);
    }

    private void watchThrough(String fault) {
        List<Watcher> viewers = startViewers();
        Watcher reference = topology.watch(origin, "/" + stream + ".flv");
        Await.until("the reference viewer plays", Duration.ofSeconds(20), () -> reference.videoTags() > Media.FPS);
        String before = edgeCounters();
        long fromNs = System.nanoTime();
        long untilNs = fromNs + TimeUnit.SECONDS.toNanos(FAULT_S);
        Await.until(fault + " lasts " + FAULT_S + " s", Duration.ofSeconds(FAULT_S + 10), () -> {
            assertPlaying(viewers);
            return System.nanoTime() - untilNs >= 0;
        });
        long[] delays = new long[0];
        long[] gaps = new long[viewers.size()];
        long[] frames = new long[viewers.size()];
        for (int i = 0; i < viewers.size(); i++) {
            Watcher viewer = viewers.get(i);
            long[] mine = viewer.latenessMs(fromNs, untilNs);
            long[] all = java.util.Arrays.copyOf(delays, delays.length + mine.length);
            System.arraycopy(mine, 0, all, delays.length, mine.length);
            delays = all;
            gaps[i] = viewer.longestGapMs(fromNs, untilNs);
            frames[i] = viewer.videoTagsBetween(fromNs, untilNs);
        }
        System.out.println(label + ": " + fault + ": edge viewers' video lateness " + Percentiles.summary(delays)
                + " (origin viewer: " + Percentiles.summary(reference.latenessMs(fromNs, untilNs))
                + "); longest gap " + Percentiles.summary(gaps) + "; video frames per "
                + "viewer in " + FAULT_S + " s: min " + Percentiles.of(frames, 0) + "; edge before " + before
                + ", after " + edgeCounters());
        assertPlaying(viewers);
        for (int i = 0; i < viewers.size(); i++) {
            assertTrue(frames[i] >= MIN_FRAME_SHARE * FAULT_S * Media.FPS, "viewer " + i + " got " + frames[i]
                    + " video frames in " + FAULT_S + " s with " + fault + ": " + viewers.get(i));
        }
        viewers.forEach(Watcher::close);
        reference.close();
    }

    private List<Watcher> startViewers() {
        List<Watcher> viewers = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            viewers.add(topology.watch(edge, "/" + stream + ".flv"));
        }
        Await.until("the edge's viewers play", Duration.ofSeconds(30),
                () -> viewers.stream().allMatch(v -> v.videoTags() > Media.FPS));
        return viewers;
    }

    private static void assertPlaying(List<Watcher> viewers) {
        for (Watcher viewer : viewers) {
            assertTrue(!viewer.ended(), "a viewer was disconnected: " + viewer);
            assertEquals(0, viewer.timestampRegressions(), viewer.toString());
        }
    }

    /** The edge's framesSkipped and lag disconnects for the stream, and its pull's skips. */
    private String edgeCounters() {
        try {
            JsonNode stats = Http.json(edge.httpUrl("/api/streams/" + stream));
            StringBuilder relays = new StringBuilder();
            for (JsonNode relay : stats.path("relays")) {
                relays.append(relay.path("skips").asText()).append(' ');
            }
            return "framesSkipped " + stats.path("framesSkipped").asText() + ", lagDisconnects "
                    + stats.path("lagDisconnects").asText() + ", relay skips " + relays.toString().trim()
                    + ", latency " + stats.path("latency");
        } catch (java.io.IOException | AssertionError e) {
            return "(stats unavailable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
