package io.ringcast.perf.relay;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.NginxRtmp;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.ChildServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relays surviving the death of a peer: an edge pulling from the first of two origins fails over to the second when
 * the first is killed with SIGKILL, its viewers staying connected and decoding on; a push to nginx-rtmp resumes by
 * itself when nginx is killed and started again.
 */
@Timeout(240)
class FailoverTest {
    private static final int VIEWERS = 20;
    private static final long FAILOVER_BOUND_MS = 3_000;
    @RegisterExtension
    final CloseAfterEach peers = new CloseAfterEach();

    @BeforeAll
    static void tools() {
        Ffmpeg.assumeInstalled();
        NginxRtmp.requireInstalled();
    }


    @Test
    void shouldKeepTwentyViewersDecodingFromTheSecondOriginWhenTheFirstIsKilled() throws Exception {
        ChildServer first = peers.add(ChildServer.with(TestConfig.loopback().bindTo("127.0.0.2")).start());
        ChildServer second = peers.add(ChildServer.with(TestConfig.loopback().bindTo("127.0.0.3")).start());
        peers.add(Peers.publish("rtmp://127.0.0.2:" + first.rtmpPort() + "/live/cam", "320x240", 200));
        peers.add(Peers.publish("rtmp://127.0.0.3:" + second.rtmpPort() + "/live/cam", "320x240", 200));
        ChildServer edge = peers.add(ChildServer.with(TestConfig.loopback()
                .toml("[relay]\nconnect_timeout_ms = 1000\nread_timeout_ms = 1000\n")
                .arrayTables(RelayInteropTest.pullRule("live/*",
                        "rtmp://127.0.0.2:" + first.rtmpPort() + "/live/{name}",
                        "rtmp://127.0.0.3:" + second.rtmpPort() + "/live/{name}"))).start());
        List<FlvWatcher> viewers = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            viewers.add(peers.add(FlvWatcher.start("127.0.0.1", edge.httpPort(), "/live/cam.flv")));
        }
        Await.until("every viewer decodes from the first origin", Duration.ofSeconds(30),
                () -> viewers.stream().allMatch(v -> v.keyframeSince(0) && v.videoTags() > 25));
        assertEquals(1, Peers.subscribers("127.0.0.2", first.httpPort(), "live/cam"));
        assertEquals(0, Peers.subscribers("127.0.0.3", second.httpPort(), "live/cam"));

        first.process().destroyForcibly(); // SIGKILL: no goodbye on any connection
        long killedNs = System.nanoTime();
        Await.until("every viewer gets a keyframe from the second origin", Duration.ofSeconds(20),
                () -> viewers.stream().allMatch(v -> v.keyframeSince(killedNs)));
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        System.out.println("failover: all " + VIEWERS + " viewers had a keyframe from the second origin "
                + resumedMs + " ms after the kill");

        for (FlvWatcher viewer : viewers) {
            assertTrue(!viewer.ended(), "a viewer was disconnected: " + viewer.endReason());
            assertEquals(0, viewer.timestampRegressions(), "video timestamps went back");
        }
        assertTrue(resumedMs <= FAILOVER_BOUND_MS, "viewers resumed " + resumedMs + " ms after the kill");
        assertEquals(1, Peers.subscribers("127.0.0.3", second.httpPort(), "live/cam"));
    }

    @Test
    void shouldResumeAPushByItselfWhenItsTargetIsKilledAndStartedAgain() throws Exception {
        NginxRtmp target = peers.add(NginxRtmp.builder().address("127.0.0.2").application("myapp").start());
        ChildServer origin = peers.add(ChildServer.with(TestConfig.loopback()
                .toml("[relay]\nbackoff_min_ms = 200\nbackoff_max_ms = 1000\n")
                .arrayTables(RelayInteropTest.pushRule("live/*", target.rtmpUrl("myapp") + "/{name}"))).start());
        peers.add(Peers.publish("rtmp://127.0.0.1:" + origin.rtmpPort() + "/live/cam", "320x240", 200));
        Await.until("the push reaches nginx", Duration.ofSeconds(20), () -> publishing(target));
        RelayInteropTest.assertDecodes(Ffmpeg.probe(target.rtmpUrl("myapp", "cam"), 30), "before the kill");

        target.kill9();
        target.restart();
        Await.until("the push resumes", Duration.ofSeconds(30), () -> publishing(target));
        RelayInteropTest.assertDecodes(Ffmpeg.probe(target.rtmpUrl("myapp", "cam"), 30), "after the restart");
    }

    private static boolean publishing(NginxRtmp nginx) {
        NginxRtmp.StreamStat stat = nginx.streamOrNull("myapp", "cam");
        return stat != null && stat.publishing();
    }
}
