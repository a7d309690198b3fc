package io.ringcast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.cluster.ClusterConfig;
import io.ringcast.ingest.cluster.ClusterPulls;
import io.ringcast.ingest.cluster.ClusterRole;
import io.ringcast.ingest.cluster.InMemoryDirectory;
import io.ringcast.ingest.cluster.NodeInfo;
import io.ringcast.ingest.cluster.StreamDirectory;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An edge pulling on demand from the origin its stream directory names, whole servers in-process on loopback
 * "hosts": origin 1 on 127.0.0.2, origin 2 on 127.0.0.3, the edge on 127.0.0.4 with an in-memory directory and
 * {@link ClusterPulls} registered by the test (as the cluster plugin does). ffmpeg publishes; ffmpeg decodes RTMP,
 * HTTP-FLV and HLS at the edge; a Java HTTP-FLV viewer checks its connection and timestamps across the origin's
 * death and the stream's move to origin 2. Also: nothing in the directory is 404, the directory down is 503 at once,
 * and another node's marked pull never starts a pull.
 */
@Timeout(240)
class ClusterEdgeEndToEndTest {
    private static final int FPS = 25;
    private static final int TAG_VIDEO = 9;
    private static final String DOWN = "stream directory unavailable: Redis at 127.0.0.9:6379: connection refused";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private LoopbackServer edge;
    private InMemoryDirectory directory;
    private NodeInfo self;
    private ClusterPulls pulls;

    @BeforeEach
    void startEdge() {
        Ffmpeg.assumeInstalled();
        edge = add(LoopbackServer.start(TestConfig.loopback().bindTo("127.0.0.4")
                .set("hls", "segment_duration_ms", 1_000)));
        self = InMemoryDirectory.node("e1", ClusterRole.EDGE, "127.0.0.4", edge.httpPort(), edge.rtmpPort());
        directory = new InMemoryDirectory(self);
        edge.engine().registerService(StreamDirectory.class, directory);
        pulls = new ClusterPulls(directory, config("http-flv"), edge.engine());
        edge.engine().streams().addOnDemandSource(pulls); // the one call the cluster plugin makes
    }

    private ClusterConfig config(String pullOver) {
        return new ClusterConfig("e1", ClusterRole.EDGE, self.httpUrl(), self.rtmpUrl(), "redis://127.0.0.9:6379",
                10_000, 3_000, 500, pullOver, "ringcast:");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T add(T resource) {
        closing.add(resource);
        return resource;
    }

    private LoopbackServer origin(String id, String address) {
        LoopbackServer origin = add(LoopbackServer.start(TestConfig.loopback().bindTo(address)));
        directory.live(InMemoryDirectory.node(id, ClusterRole.ORIGIN, address, origin.httpPort(),
                origin.rtmpPort()));
        return origin;
    }

    private Ffmpeg.FfmpegProcess publish(String address, LoopbackServer server, String name) throws IOException {
        String url = "rtmp://" + address + ":" + server.rtmpPort() + "/live/x";
        Ffmpeg.FfmpegProcess publisher = add(Ffmpeg.start(Ffmpeg.publishArgs(url, "320x240", FPS, 120, "300k"),
                name));
        StreamPath path = StreamPath.parse("live/x");
        Await.until(name + " publishes live/x", Duration.ofSeconds(20), () -> {
            var stream = server.engine().streams().find(path);
            return stream != null && stream.state() == StreamState.PUBLISHING;
        }, publisher::output);
        return publisher;
    }

    @Test
    void shouldServeEveryProtocolFromOnePullAndResumeTheSameViewerAfterTheStreamMovedToAnotherOrigin()
            throws Exception {
        LoopbackServer origin1 = origin("o1", "127.0.0.2");
        LoopbackServer origin2 = origin("o2", "127.0.0.3");
        Ffmpeg.FfmpegProcess encoder1 = publish("127.0.0.2", origin1, "encoder-o1");
        directory.put("live/x", "o1");
        String edgeHttp = "http://127.0.0.4:" + edge.httpPort() + "/live/x";
        String edgeRtmp = "rtmp://127.0.0.4:" + edge.rtmpPort() + "/live/x";

        FlvViewer viewer = add(FlvViewer.start(edgeHttp + ".flv"));
        Await.until("the edge's HTTP-FLV viewer gets video", Duration.ofSeconds(20), () -> viewer.videoTags() > 10,
                viewer::toString);
        List<Ffmpeg.FfmpegProcess> decoders = new ArrayList<>();
        for (String url : List.of(edgeRtmp, edgeHttp + ".flv", edgeHttp + ".m3u8")) {
            decoders.add(add(Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats", "-v", "error",
                    "-i", url, "-t", "4", "-f", "framecrc", "-"), "edge-viewer")));
        }
        Await.until("several viewers at the edge", Duration.ofSeconds(30),
                () -> subscribers("127.0.0.4", edge.httpPort()) >= 3, () -> "edge: " + stats("127.0.0.4",
                        edge.httpPort()));
        assertEquals(1, subscribers("127.0.0.2", origin1.httpPort()),
                "origin 1 serves one pull for every viewer at the edge: " + stats("127.0.0.2", origin1.httpPort()));
        RelayView pull = edge.engine().service(Relays.class).relaysOf(StreamPath.parse("live/x")).get(0);
        assertEquals("cluster", pull.origin());
        assertEquals("http://127.0.0.2:" + origin1.httpPort() + "/live/x.flv?ringcast_node=e1", pull.currentUrl());
        for (Ffmpeg.FfmpegProcess decoder : decoders) {
            assertEquals(0, decoder.await(90), decoder.commandLine() + "\n" + decoder.output());
            long[] frames = decoder.decodedFramesPerStream();
            assertTrue(frames[0] >= 3 * FPS || frames[1] >= 3 * FPS,
                    "4 s decoded by " + decoder.commandLine() + ": " + frames[0] + "/" + frames[1]);
            assertTrue(frames[0] > 0 && frames[1] > 0, "both tracks decoded: " + frames[0] + "/" + frames[1]);
        }

        // Origin 1 dies; the directory names origin 2 once the encoder republished there.
        long lastBeforeMs = viewer.lastVideoTimestampMs();
        long tagsBefore = viewer.videoTags();
        long killedNs = System.nanoTime();
        origin1.close();
        encoder1.close();
        directory.dead("o1").put("live/x", "o2");
        publish("127.0.0.3", origin2, "encoder-o2");
        Await.until("the edge's viewer resumes from origin 2", Duration.ofSeconds(20),
                () -> viewer.videoTags() > tagsBefore + 2 * FPS, viewer::toString);
        long[] stall = viewer.longestStallAfter(killedNs);
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(stall[1] - killedNs);
        System.out.println("edge viewer resumed " + resumedMs + " ms after origin 1 closed, after a "
                + TimeUnit.NANOSECONDS.toMillis(stall[1] - stall[0]) + " ms stall (the new encoder's start and "
                + "first keyframe included)");
        assertTrue(resumedMs < 8_000, "resumed " + resumedMs + " ms after the kill");
        assertEquals(200, viewer.status());
        assertFalse(viewer.ended(), "the viewer kept its connection: " + viewer);
        assertEquals(0, viewer.timestampRegressions(), "timestamps never went back: " + viewer);
        assertTrue(viewer.lastVideoTimestampMs() > lastBeforeMs, viewer.toString());
        assertEquals(1, subscribers("127.0.0.3", origin2.httpPort()), "one pull from origin 2");
        assertEquals("http://127.0.0.3:" + origin2.httpPort() + "/live/x.flv?ringcast_node=e1",
                edge.engine().service(Relays.class).relaysOf(StreamPath.parse("live/x")).get(0).currentUrl());
    }

    @Test
    void shouldPullOverRtmpWhenTheClusterIsConfiguredSo() throws Exception {
        edge.engine().streams().removeOnDemandSource(pulls);
        edge.engine().streams().addOnDemandSource(new ClusterPulls(directory, config("rtmp"), edge.engine()));
        LoopbackServer origin1 = origin("o1", "127.0.0.2");
        publish("127.0.0.2", origin1, "encoder-o1");
        directory.put("live/x", "o1");

        FlvViewer viewer = add(FlvViewer.start("http://127.0.0.4:" + edge.httpPort() + "/live/x.flv"));
        Await.until("the edge's viewer gets 2 s of video", Duration.ofSeconds(20),
                () -> viewer.videoTags() > 2 * FPS, viewer::toString);
        assertEquals("rtmp://127.0.0.2:" + origin1.rtmpPort() + "/live/x?ringcast_node=e1",
                edge.engine().service(Relays.class).relaysOf(StreamPath.parse("live/x")).get(0).currentUrl());
        assertEquals(1, subscribers("127.0.0.2", origin1.httpPort()), "one RTMP pull at origin 1");
        assertEquals(0, viewer.timestampRegressions(), viewer.toString());
    }

    @Test
    void shouldAnswerNotFoundForAStreamTheDirectoryDoesNotNameAsASingleServerDoes() throws Exception {
        Answer flv = get("/live/none.flv");
        assertEquals(404, flv.status(), flv.body());
        assertEquals("no live stream live/none", flv.body().trim());
        assertEquals(404, get("/live/none.m3u8").status());
        Ffmpeg.Probe rtmp = Ffmpeg.probe("rtmp://127.0.0.4:" + edge.rtmpPort() + "/live/none", 20);
        assertNotEquals(0, rtmp.exitCode(), rtmp.output());
        assertTrue(rtmp.output().contains("no live stream live/none"), rtmp.output());
        assertEquals(List.of(), edge.engine().service(Relays.class).relays(), "nothing pulled");
    }

    @Test
    void shouldRefuseEveryViewerAtOnceWithTheReasonWhileTheDirectoryIsDown() throws Exception {
        directory.put("live/x", "o1").down(DOWN);
        long startNs = System.nanoTime();
        Answer flv = get("/live/x.flv");
        long flvMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertEquals(503, flv.status());
        assertEquals(DOWN, flv.body().trim());
        assertEquals("1", flv.retryAfter());
        assertTrue(flvMs < 500, "answered after " + flvMs + " ms");

        Answer head = request("HEAD", "/live/x.flv");
        assertEquals(503, head.status());
        Answer hls = get("/live/x.m3u8");
        assertEquals(503, hls.status());
        assertEquals(DOWN, hls.body().trim());
        Answer page = get("/play/live/x");
        assertEquals(200, page.status(), "the player page renders; its player retries");

        startNs = System.nanoTime();
        Ffmpeg.Probe rtmp = Ffmpeg.probe("rtmp://127.0.0.4:" + edge.rtmpPort() + "/live/x", 20);
        long rtmpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertNotEquals(0, rtmp.exitCode(), rtmp.output());
        assertTrue(rtmp.output().contains(DOWN), "NetStream.Play.Failed with the reason: " + rtmp.output());
        System.out.println("directory down: HTTP-FLV 503 after " + flvMs + " ms, ffprobe over RTMP refused after "
                + rtmpMs + " ms (process start included)");
        assertNull(edge.engine().streams().find(StreamPath.parse("live/x")), "no stream was created");
        assertEquals(List.of(), edge.engine().service(Relays.class).relays(), "nothing pulled");
    }

    @Test
    void shouldAnswerAnotherNodesMarkedPullOnlyFromWhatItHoldsAndStartNoPull() throws Exception {
        directory.live(InMemoryDirectory.node("o1", ClusterRole.ORIGIN, "127.0.0.2", 1, 1)).put("live/x", "o1");
        int lookups = directory.lookups();
        Answer flv = get("/live/x.flv?ringcast_node=e9");
        assertEquals(404, flv.status(), flv.body());
        assertEquals(404, request("HEAD", "/live/x.flv?ringcast_node=e9").status());
        Ffmpeg.Probe rtmp = Ffmpeg.probe("rtmp://127.0.0.4:" + edge.rtmpPort() + "/live/x?ringcast_node=e9", 20);
        assertNotEquals(0, rtmp.exitCode(), rtmp.output());
        assertTrue(rtmp.output().contains("no live stream live/x"), rtmp.output());
        assertEquals(lookups, directory.lookups(), "the directory was not even asked");
        assertNull(edge.engine().streams().find(StreamPath.parse("live/x")));
        assertEquals(List.of(), edge.engine().service(Relays.class).relays(), "no pull started");
    }

    // ------------------------------------------------------------------ helpers

    private record Answer(int status, String body, String retryAfter) {
    }

    private Answer get(String target) throws IOException {
        return request("GET", target);
    }

    private Answer request(String method, String target) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.4:" + edge.httpPort() + target).toURL()
                .openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        c.disconnect();
        return new Answer(status, body, c.getHeaderField("Retry-After"));
    }

    private static JsonNode stats(String host, int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + ":" + port
                    + "/api/streams/live/x").toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(10_000);
            if (c.getResponseCode() == 404) {
                return JSON.createObjectNode();
            }
            try (InputStream in = c.getInputStream()) {
                return JSON.readTree(in);
            }
        } catch (IOException e) {
            throw new AssertionError("GET /api/streams/live/x on " + host + " failed", e);
        }
    }

    /** The viewers a server counts on live/x (relays pulling from it included). */
    private static int subscribers(String host, int port) {
        return stats(host, port).path("subscribers").path("total").asInt(0);
    }

    /** One HTTP-FLV viewer on its own thread: video tag count, timestamps, arrival times, how it ended. */
    private static final class FlvViewer implements AutoCloseable {
        private final HttpURLConnection connection;
        private final Thread thread;
        private final List<long[]> videoArrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile int status;
        private volatile long videoTags;
        private volatile long lastVideoTimestampMs = -1;
        private volatile long regressions;
        private volatile boolean ended;
        private volatile String endReason = "";

        private FlvViewer(String url) throws IOException {
            connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            thread = new Thread(this::watch, "flv-viewer");
            thread.setDaemon(true);
        }

        static FlvViewer start(String url) throws IOException {
            FlvViewer viewer = new FlvViewer(url);
            viewer.thread.start();
            return viewer;
        }

        private void watch() {
            try {
                status = connection.getResponseCode();
                FlvStreamReader reader = new FlvStreamReader(connection.getInputStream());
                reader.readHeader();
                while (true) {
                    FlvStreamReader.Tag tag = reader.next();
                    if (tag == null) {
                        endReason = "the server ended the stream";
                        break;
                    }
                    if (tag.type() == TAG_VIDEO) {
                        if (tag.timestampMs() < lastVideoTimestampMs) {
                            regressions++;
                        }
                        lastVideoTimestampMs = tag.timestampMs();
                        videoArrivals.add(new long[] {System.nanoTime(), tag.timestampMs()});
                        videoTags++;
                    }
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                endReason = e.toString();
            } finally {
                ended = true;
            }
        }

        long videoTags() {
            return videoTags;
        }

        long lastVideoTimestampMs() {
            return lastVideoTimestampMs;
        }

        long timestampRegressions() {
            return regressions;
        }

        int status() {
            return status;
        }

        boolean ended() {
            return ended;
        }

        /**
         * The longest gap between video arrivals (System.nanoTime) that ends after {@code afterNs}: {start, end}, the
         * end being when video resumed.
         */
        long[] longestStallAfter(long afterNs) {
            long[] longest = null;
            for (int i = 1; i < videoArrivals.size(); i++) {
                long start = videoArrivals.get(i - 1)[0];
                long end = videoArrivals.get(i)[0];
                if (end > afterNs && (longest == null || end - start > longest[1] - longest[0])) {
                    longest = new long[] {start, end};
                }
            }
            if (longest == null) {
                throw new AssertionError("no video after the kill: " + this);
            }
            return longest;
        }

        @Override
        public void close() {
            connection.disconnect();
        }

        @Override
        public String toString() {
            return "FlvViewer{status=" + status + ", videoTags=" + videoTags + ", lastTs=" + lastVideoTimestampMs
                    + ", regressions=" + regressions + ", ended=" + ended + " " + endReason + "}";
        }
    }
}
