package io.ringcast.perf.cluster;

import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness itself, without the directory: an origin (o1) and an edge (e1) on namespace hosts, the edge pulling
 * {@code live/*} from the origin on demand by a {@code [[pull]]} rule, an encoder on its own host publishing to the
 * origin, and ffmpeg on a viewer host decoding every protocol at the edge across the bridge.
 */
@Tag("cluster")
@Timeout(180)
class NetnsHarnessTest {
    @RegisterExtension
    static final TopologyPerClass HOSTS = new TopologyPerClass(() -> Topology.in(Path.of("target", "cluster", "harness")
            .toAbsolutePath()).origins(1).edges(1).edgesPullFromOrigin1().start(), hosts -> {
                hosts.encoder("enc", List.of(hosts.origin(1).rtmpUrl("live/cam")));
                Await.until("the origin has live/cam", Duration.ofSeconds(30),
                        () -> Http.answers(hosts.origin(1).address(), "/api/streams/live/cam"));
            });

    private static Topology topology() {
        return HOSTS.get();
    }

    @Test
    void shouldDecodeEveryProtocolAtTheEdgeFromAViewerHost() {
        Node edge = topology().edge(1);
        for (String url : List.of(edge.httpUrl("/live/cam.flv"), edge.rtmpUrl("live/cam"),
                edge.httpUrl("/live/cam.m3u8"))) {
            Decoder.Result result = Decoder.decode(Topology.VIEWER, url, 5);
            System.out.println("harness: " + result);
            assertTrue(result.clean(100), result.toString());
        }
    }

    @Test
    void shouldPlayAtTheEdgeAsLiveAsAtTheOriginAcrossTheBridge() {
        Watcher atOrigin = topology().watch(topology().origin(1), "/live/cam.flv");
        Watcher atEdge = topology().watch(topology().edge(1), "/live/cam.flv");
        Await.until("both viewers get 5 s of video", Duration.ofSeconds(30),
                () -> atOrigin.videoTags() > 5 * Media.FPS && atEdge.videoTags() > 5 * Media.FPS);
        long from = System.nanoTime() - java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        long[] edgeLateness = atEdge.latenessMs(from, System.nanoTime());
        long[] originLateness = atOrigin.latenessMs(from, System.nanoTime());
        System.out.println("harness: video lateness over 3 s at the edge " + Percentiles.summary(edgeLateness)
                + ", at the origin " + Percentiles.summary(originLateness));
        assertEquals(0, atEdge.timestampRegressions(), atEdge.toString());
        assertTrue(edgeLateness.length >= 2 * Media.FPS, atEdge.toString());
        assertTrue(Percentiles.of(edgeLateness, 99) < 500, "edge viewer " + Percentiles.summary(edgeLateness));
        atOrigin.close();
        atEdge.close();
    }

    @Test
    void shouldKeepEdgeViewersPlayingWithOnePercentLossOnTheUplink() {
        faults().randomLoss(1);
    }

    @Test
    void shouldKeepEdgeViewersPlayingWithTheUplinkLimitedToOneAndAHalfTimesTheBitrate() {
        faults().rateLimit(Media.BITRATE_KBIT * 3 / 2);
    }

    @Test
    void shouldResumeEdgeViewersAfterAThreeSecondCutOfTheUplink() throws InterruptedException {
        faults().cut();
    }

    private static EdgeFaults faults() {
        return new EdgeFaults("harness ([[pull]] edge)", topology(), topology().edge(1), topology().origin(1),
                "live/cam", List.of("o1"));
    }

    @Test
    void shouldAddAndClearFaultsOnAHostsLink() {
        Netns.loss("e1", 50, "o1");
        String rules = Netns.script("exec", "e1", "iptables", "-S", "RC-LOSS");
        assertTrue(rules.contains("-s " + Netns.address(11) + "/32") && rules.contains("statistic"), rules);
        Netns.rate("e1", 1000, "both");
        assertTrue(Netns.run(List.of("tc", "qdisc", "show", "dev", "rc-e1"), 10).contains("tbf"));
        Netns.clear("e1");
        assertTrue(!Netns.script("exec", "e1", "iptables", "-S", "RC-LOSS").contains("statistic"));
        assertTrue(!Netns.run(List.of("tc", "qdisc", "show", "dev", "rc-e1"), 10).contains("tbf"));
    }
}
