package io.ringcast.perf.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Done when 5 and 6 of the cluster issue on namespace hosts (Redis, one origin, two edges, an encoder on origin 1):
 * Redis killed and restarted under playback, and faults on an edge's uplink (loss, tbf, a cut) with the edge
 * finding its stream through the directory.
 */
@Tag("cluster")
@Timeout(240)
class ClusterFaultsTest {
    private static final String STREAM = "live/cam";
    @RegisterExtension
    static final TopologyPerClass HOSTS = new TopologyPerClass(() -> Topology.in(Path.of("target", "cluster", "faults")
            .toAbsolutePath()).cluster().origins(1).edges(2).start(), hosts -> {
                hosts.encoder("enc", List.of(hosts.origin(1).rtmpUrl(STREAM)));
                Await.until("the directory names o1 for " + STREAM, Duration.ofSeconds(30),
                        () -> "o1".equals(hosts.redis().tryCommand("GET", "ringcast:stream:" + STREAM)));
            });

    private static Topology topology() {
        return HOSTS.get();
    }

    @Test
    void shouldKeepEdgeViewersPlayingWithOnePercentLossOnTheUplink() {
        faults().randomLoss(1);
    }

    @Test
    void shouldKeepEdgeViewersPlayingWithTheUplinkLimitedToOneAndAHalfTimesTheBitrate() {
        faults().rateLimit(Media.BITRATE_KBIT * 3 / 2);
    }

    /** The link between edge and origin only: the edge still reaches the directory. */
    @Test
    void shouldResumeEdgeViewersAfterAThreeSecondCutOfTheLinkToTheOrigin() throws InterruptedException {
        new EdgeFaults("cluster edge", topology(), topology().edge(1), topology().origin(1), STREAM, List.of("o1"))
                .cut();
    }

    /** Faults on everything the edge reaches upstream: the origin and the directory. */
    private static EdgeFaults faults() {
        return new EdgeFaults("cluster edge", topology(), topology().edge(1), topology().origin(1), STREAM,
                List.of("o1", "redis"));
    }

    @Test
    void shouldKeepViewersThroughARedisOutageAndRegisterAStreamPublishedDuringIt() throws Exception {
        List<Watcher> viewers = new ArrayList<>();
        for (Node edge : topology().edges()) {
            for (int i = 0; i < 5; i++) {
                viewers.add(topology().watch(edge, "/" + STREAM + ".flv"));
            }
        }
        Await.until("10 viewers play", Duration.ofSeconds(30),
                () -> viewers.stream().allMatch(v -> v.videoTags() > Media.FPS));

        long killedNs = System.nanoTime();
        topology().redis().kill9();
        Await.until("o1 reports the directory down", Duration.ofSeconds(20), () -> !directoryUp(topology().origin(1)));
        topology().encoder("late", Topology.BACKUP_ENCODER, List.of(topology().origin(1).rtmpUrl("live/late")));
        Await.until("o1 accepts live/late locally while Redis is down", Duration.ofSeconds(20),
                () -> Http.answers(topology().origin(1).address(), "/api/streams/live/late"));
        int lookupStatus = Http.get(topology().edge(2).httpUrl("/live/late.flv")).statusCode();
        System.out.println("cluster redis outage: an edge asked for live/late while Redis is down: " + lookupStatus);
        Await.until("viewers play on for 5 s without Redis", Duration.ofSeconds(10),
                () -> System.nanoTime() - killedNs > TimeUnit.SECONDS.toNanos(5));

        long restartNs = System.nanoTime();
        topology().redis().restart();
        Await.until("the directory names o1 for live/late again", Duration.ofSeconds(30),
                () -> "o1".equals(topology().redis().tryCommand("GET", "ringcast:stream:live/late")));
        long registeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
        // As a player does: a viewer whose request failed tries again, every half second.
        List<Watcher> attempts = new ArrayList<>(List.of(topology().watch(topology().edge(2), "/live/late.flv")));
        Await.until("an edge plays live/late", Duration.ofSeconds(30), () -> {
            Watcher last = attempts.get(attempts.size() - 1);
            if (last.ended() && last.videoTags() == 0
                    && System.nanoTime() - last.startedNs() > TimeUnit.MILLISECONDS.toNanos(500)) {
                attempts.add(topology().watch(topology().edge(2), "/live/late.flv"));
                return false;
            }
            return last.videoTags() > Media.FPS;
        }, attempts::toString);
        Watcher late = attempts.get(attempts.size() - 1);
        long playableMs = TimeUnit.NANOSECONDS.toMillis(late.startedNs() - restartNs);
        long endNs = System.nanoTime();

        long[] gaps = new long[viewers.size()];
        for (int i = 0; i < viewers.size(); i++) {
            gaps[i] = viewers.get(i).longestGapMs(killedNs, endNs);
        }
        System.out.println("cluster redis outage: live/late registered " + registeredMs + " ms after Redis returned, "
                + "playable at e2 " + playableMs + " ms after Redis returned (" + attempts.size() + " requests);"
                + " viewers' longest gap during the outage " + Percentiles.summary(gaps) + "; live/cam entry: "
                + topology().redis().command("GET", "ringcast:stream:" + STREAM));
        assertTrue(lookupStatus == 503 || lookupStatus == 404, "a lookup during the outage fails cleanly: "
                + lookupStatus);
        Await.until("the directory names o1 for " + STREAM + " again", Duration.ofSeconds(10),
                () -> "o1".equals(topology().redis().tryCommand("GET", "ringcast:stream:" + STREAM)));
        for (Watcher viewer : viewers) {
            assertTrue(!viewer.ended(), "a viewer was disconnected by the Redis outage: " + viewer);
            assertEquals(0, viewer.timestampRegressions(), viewer.toString());
            assertTrue(viewer.longestGapMs(killedNs, endNs) < 2_000, "a viewer stalled: " + viewer);
        }
        assertEquals(0, late.timestampRegressions(), late.toString());
    }

    private static boolean directoryUp(Node node) {
        try {
            JsonNode server = Http.json(node.httpUrl("/api/server"));
            return server.path("cluster").path("directory").path("up").asBoolean(true);
        } catch (java.io.IOException | AssertionError e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
