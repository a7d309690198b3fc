package io.ringcast.perf.relay;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.perf.load.LoadGenerator;
import io.ringcast.web.testing.ChildServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On-demand pulls counted on the origin's own stats: an edge (127.0.0.1) pulls {@code live/cam} from an origin
 * (127.0.0.2) only while someone watches at the edge, over one upstream connection however many viewers of every
 * protocol there are, and lets it go AutoCloseDelay after the last viewer left; an HLS-only viewer starts it too.
 */
@Timeout(240)
class OnDemandEdgeTest {
    private static final long AUTO_CLOSE_DELAY_S = 3;
    private static final long SEGMENT_MS = 1_000;
    @RegisterExtension
    final CloseAfterEach peers = new CloseAfterEach();
    private ChildServer origin;
    private ChildServer edge;

    @BeforeEach
    void startOriginAndEdge() throws Exception {
        Ffmpeg.assumeInstalled();
        origin = peers.add(ChildServer.with(TestConfig.loopback().bindTo("127.0.0.2")).start());
        peers.add(Peers.publish("rtmp://127.0.0.2:" + origin.rtmpPort() + "/live/cam", "320x240", 200));
        Await.until("the origin has live/cam", Duration.ofSeconds(20), () -> originSubscribers() == 0
                && Peers.answersOk("127.0.0.2", origin.httpPort(), "/api/streams/live/cam"));
        edge = peers.add(ChildServer.with(TestConfig.loopback()
                .toml("[Engine]\nAutoCloseDelay = " + AUTO_CLOSE_DELAY_S + "\n[hls]\nsegment_duration_ms = "
                        + SEGMENT_MS + "\n")
                .arrayTables(RelayInteropTest.pullRule("live/*",
                        "rtmp://127.0.0.2:" + origin.rtmpPort() + "/live/{name}"))).start());
    }


    @Test
    void shouldHoldOneUpstreamConnectionForAHundredViewersOfEveryProtocolAndNoneWithout(@TempDir Path out)
            throws Exception {
        long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < quietUntil) {
            assertEquals(0, originSubscribers(), "the edge pulled with nobody watching");
            Thread.sleep(200); // sampling another process's stats over a quiet period: nothing to wait on
        }

        List<FlvWatcher> flv = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            flv.add(peers.add(FlvWatcher.start("127.0.0.1", edge.httpPort(), "/live/cam.flv")));
        }
        AtomicBoolean hlsRunning = new AtomicBoolean(true);
        List<CompletableFuture<Integer>> hls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hls.add(CompletableFuture.supplyAsync(() -> pollPlaylist(hlsRunning)));
        }
        ByteArrayOutputStream loadOutput = new ByteArrayOutputStream();
        CompletableFuture<Integer> rtmp = CompletableFuture.supplyAsync(() -> rtmpViewers(out, loadOutput));
        Await.until("100 viewers at the edge", Duration.ofSeconds(30), () -> edgeSubscribers() >= 90
                && flv.stream().allMatch(w -> w.videoTags() > 0));
        for (int sample = 0; sample < 10; sample++) {
            assertEquals(1, originSubscribers(), "one upstream connection for every viewer at the edge");
            Thread.sleep(200); // sampling while the load runs
        }

        assertEquals(0, rtmp.get(60, TimeUnit.SECONDS), loadOutput.toString(StandardCharsets.UTF_8));
        hlsRunning.set(false);
        for (CompletableFuture<Integer> viewer : hls) {
            assertTrue(viewer.get(30, TimeUnit.SECONDS) > 0, "an HLS viewer got no playlist");
        }
        flv.forEach(FlvWatcher::close);
        assertTrue(flv.stream().allMatch(w -> w.timestampRegressions() == 0), "timestamps went back");
        Await.until("the edge lets the upstream go after the last viewer", Duration.ofSeconds(60),
                () -> originSubscribers() == 0);
    }

    @Test
    void shouldLetTheUpstreamGoAutoCloseDelayAfterTheLastViewerLeft() throws Exception {
        FlvWatcher viewer = peers.add(FlvWatcher.start("127.0.0.1", edge.httpPort(), "/live/cam.flv"));
        Await.until("the viewer gets frames", Duration.ofSeconds(20), () -> viewer.videoTags() > 10);
        assertEquals(1, originSubscribers());

        viewer.close();
        long leftNs = System.nanoTime();
        Await.until("the upstream is let go", Duration.ofSeconds(20), () -> originSubscribers() == 0);
        long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftNs);
        System.out.println("upstream held " + heldMs + " ms after the last viewer left (AutoCloseDelay "
                + AUTO_CLOSE_DELAY_S + " s)");
        assertTrue(heldMs >= AUTO_CLOSE_DELAY_S * 1000 - 200, "let go too early: " + heldMs + " ms");
        assertTrue(heldMs <= AUTO_CLOSE_DELAY_S * 1000 + 2_000, "let go too late: " + heldMs + " ms");
    }

    @Test
    void shouldStartALateJoinerAtTheKeyframeTheEdgeHolds() throws Exception {
        FlvWatcher first = peers.add(FlvWatcher.start("127.0.0.1", edge.httpPort(), "/live/cam.flv"));
        Await.until("the first viewer gets frames", Duration.ofSeconds(20), () -> first.videoTags() > 40);
        FlvWatcher late = peers.add(FlvWatcher.start("127.0.0.1", edge.httpPort(), "/live/cam.flv"));
        Await.until("the late joiner gets video", Duration.ofSeconds(10), () -> late.videoTags() > 1);
        System.out.println("late joiner at the edge: first video after " + late.firstVideoAfterMs() + " ms");
        assertTrue(late.firstVideoIsKeyframe(), "the late joiner did not start at a keyframe");
        assertTrue(late.firstVideoAfterMs() < 1_000, "first video after " + late.firstVideoAfterMs() + " ms");
        assertEquals(1, originSubscribers());
    }

    @Test
    void shouldStartThePullForAnHlsOnlyViewerWithAPlayablePlaylistWithinASegmentAndASecond() throws Exception {
        long askedNs = System.nanoTime();
        HttpResponse<String> playlist = Peers.get("127.0.0.1", edge.httpPort(), "/live/cam.m3u8");
        long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - askedNs);
        System.out.println("HLS-only viewer: playlist after " + answeredMs + " ms (segment " + SEGMENT_MS + " ms)");
        assertEquals(200, playlist.statusCode(), playlist.body());
        assertTrue(playlist.body().contains("#EXTINF"), playlist.body());
        assertTrue(answeredMs <= SEGMENT_MS + 1_000 + 500, "playlist after " + answeredMs + " ms");
        assertEquals(1, originSubscribers());
        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + edge.httpPort() + "/live/cam.m3u8", 30);
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
    }

    private int rtmpViewers(Path out, ByteArrayOutputStream output) {
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            String[] args = {"--rtmp-url", "rtmp://127.0.0.1:" + edge.rtmpPort() + "/live/cam",
                "--rtmp-viewers", "45", "--warmup-s", "3", "--duration-s", "4", "--threads", "1",
                "--out", out.toString()};
            return LoadGenerator.run(args, print, print);
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls the edge's playlist as an HLS player does until told to stop; returns the 200 answers it got. */
    private int pollPlaylist(AtomicBoolean running) {
        int ok = 0;
        try {
            while (running.get()) {
                if (Peers.get("127.0.0.1", edge.httpPort(), "/live/cam.m3u8").statusCode() == 200) {
                    ok++;
                }
                Thread.sleep(SEGMENT_MS / 2); // a player's playlist refresh interval
            }
        } catch (java.io.IOException e) {
            return ok;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ok;
    }

    private int originSubscribers() {
        return subscribers(origin, "127.0.0.2");
    }

    private int edgeSubscribers() {
        return subscribers(edge, "127.0.0.1");
    }

    private static int subscribers(ChildServer server, String host) {
        try {
            return Peers.subscribers(host, server.httpPort(), "live/cam");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
