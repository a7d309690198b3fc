package io.ringcast.web.e2e;

import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.stream.OnDemandSource;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.subscribe.CloseReason;
import io.ringcast.broadcast.subscribe.FrameSink;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.web.hls.HlsServlet;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * On-demand streams through the whole server, with every viewer protocol (issue 13): a test {@link OnDemandSource}
 * registered on the engine supplies {@code live/*} by starting an ffmpeg publisher into the demanded path over RTMP
 * (as a pull relay would publish what it pulls), and {@code never/*} by never delivering. Real viewers: ffprobe over
 * HTTP-FLV, RTMP and HLS, raw HTTP and RTMP clients. Small timeouts: OnDemandPublishTimeout 4 s, AutoCloseDelay 2 s,
 * HLS segments of 2 s.
 */
@Timeout(180)
class OnDemandEndToEndTest {
    private static final int ON_DEMAND_TIMEOUT_S = 4;
    private static final int AUTO_CLOSE_DELAY_S = 2;
    private static final long SEGMENT_MS = 2_000;
    private static final int FPS = 25;
    private static final int TAG_VIDEO = 9;

    private LoopbackServer server;
    private FfmpegSource live;
    private NeverSource never;

    @BeforeEach
    void start() {
        Ffmpeg.assumeInstalled();
        server = LoopbackServer.start(TestConfig.loopback()
                .set("Engine", "OnDemandPublishTimeout", ON_DEMAND_TIMEOUT_S)
                .set("Engine", "AutoCloseDelay", AUTO_CLOSE_DELAY_S)
                .set("hls", "segment_duration_ms", SEGMENT_MS));
        live = new FfmpegSource("rtmp://127.0.0.1:" + server.rtmpPort());
        never = new NeverSource();
        server.engine().streams().addOnDemandSource(live);
        server.engine().streams().addOnDemandSource(never);
    }

    @AfterEach
    void stop() throws Exception {
        if (live != null) {
            live.stopAll();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Delivers {@code live/NAME} by publishing 60 s of ffmpeg test media into it; counts starts and closes. */
    private static final class FfmpegSource implements OnDemandSource {
        final String rtmpBase;
        final AtomicInteger starts = new AtomicInteger();
        final List<Long> closedAtNs = new CopyOnWriteArrayList<>();
        final List<Ffmpeg.FfmpegProcess> publishers = new CopyOnWriteArrayList<>();

        FfmpegSource(String rtmpBase) {
            this.rtmpBase = rtmpBase;
        }

        @Override
        public boolean supplies(StreamPath path) {
            return path.app().equals("live");
        }

        @Override
        public void start(Stream stream) {
            starts.incrementAndGet();
            try {
                Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmpBase + "/" + stream.path(),
                        "640x360", FPS, 60), "ondemand-" + stream.path().name());
                publishers.add(publisher);
                stream.onClose(() -> {
                    closedAtNs.add(System.nanoTime());
                    publisher.process().destroy(); // the pull stops with its stream
                });
            } catch (IOException e) {
                stream.close(stream.path() + " could not start ffmpeg: " + e.getMessage());
            }
        }

        void stopAll() throws InterruptedException {
            for (Ffmpeg.FfmpegProcess p : publishers) {
                p.close();
            }
        }

        @Override
        public String toString() {
            return "ffmpeg test source";
        }
    }

    /** Supplies {@code never/*} and never delivers: its streams end by OnDemandPublishTimeout. */
    private static final class NeverSource implements OnDemandSource {
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public boolean supplies(StreamPath path) {
            return path.app().equals("never");
        }

        @Override
        public void start(Stream stream) {
            starts.incrementAndGet();
        }
    }

    /**
     * Delivers {@code edge/NAME} by pulling {@code origin/NAME} of the same server, as an edge pulls from an origin
     * that holds the GOP: a subscription (which starts at the origin's newest keyframe, the GOP burst) whose sink
     * publishes every frame into the demanded stream. Stops when the demanded stream closes.
     */
    private final class OriginRelaySource implements OnDemandSource {
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public boolean supplies(StreamPath path) {
            return path.app().equals("edge");
        }

        @Override
        public void start(Stream edge) {
            starts.incrementAndGet();
            Stream origin = server.engine().streams().find(new StreamPath("origin", edge.path().name()));
            if (origin == null) {
                edge.close(edge.path() + ": no origin stream");
                return;
            }
            StreamPublisher target = edge.publish(new PublisherInfo("relay", origin.path().toString(), 0));
            Subscription pull = new Subscription(origin, "relay", new Republisher(target), server.engine().rings());
            edge.onClose(() -> pull.requestClose(CloseReason.VIEWER_LEFT));
            server.engine().fanout().add(pull);
        }
    }

    /** A frame sink that publishes what it gets into another stream; the subscription's worker thread. */
    private static final class Republisher implements FrameSink {
        private final StreamPublisher target;

        Republisher(StreamPublisher target) {
            this.target = target;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void writeStart(byte[] metadata, TrackFormat videoFormat, TrackFormat audioFormat) {
            if (metadata != null) {
                target.updateMetadata(metadata);
            }
            writeSequenceHeader(videoFormat, 0);
            writeSequenceHeader(audioFormat, 0);
        }

        @Override
        public void writeSequenceHeader(TrackFormat format, long timestampMs) {
            if (format == null || !format.hasSequenceHeader() || target.track(format.codec().kind()) == null) {
                return;
            }
            target.updateFormat(format);
            byte[] body = format.sequenceHeader();
            publish(format.codec().kind(), new UnsafeBuffer(body), 0, body.length, format.headerLength(),
                    format.codec(), format.codec().kind() == TrackKind.VIDEO, true, timestampMs, 0);
        }

        @Override
        public void writeFrame(TrackKind kind, FrameEvent frame, DirectBuffer buffer, int offset,
                               int length) {
            if (target.track(kind) != null) {
                publish(kind, buffer, offset, length, frame.headerLength(), frame.codec(), frame.isKeyframe(),
                        frame.isSequenceHeader(), frame.timestampMs(), frame.compositionTimeMs());
            }
        }

        private void publish(TrackKind kind, DirectBuffer payload, int offset, int length, int headerLength,
                             Codec codec, boolean keyframe, boolean sequenceHeader, long timestampMs,
                             int compositionTimeMs) {
            TrackRing ring = target.track(kind);
            long position = ring.reserve(length);
            ring.payloadBuffer().putBytes(ring.offsetOf(position), payload, offset, length);
            target.publish(kind, position, length, headerLength, codec, keyframe, sequenceHeader, timestampMs,
                    compositionTimeMs, System.nanoTime());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close(CloseReason reason) {
            target.close();
        }
    }

    private String http(String path) {
        return "http://127.0.0.1:" + server.httpPort() + path;
    }

    /** ffprobe reads up to 3 s of {@code url} and counts the video frames it decodes. */
    private static Ffmpeg.Probe probeFrames(String url) throws IOException, InterruptedException {
        Ffmpeg.FfmpegProcess p = Ffmpeg.start(List.of(Ffmpeg.FFPROBE, "-hide_banner", "-v", "error",
                "-rw_timeout", "15000000", "-read_intervals", "%+3", "-count_frames", "-show_streams",
                "-of", "flat", url), "ffprobe-ondemand");
        assertEquals(0, p.await(60), p.output());
        return new Ffmpeg.Probe(p.output(), 0);
    }

    private static void assertDecodedTestMedia(Ffmpeg.Probe probe) {
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"), probe.output());
        assertEquals("360", probe.get("video", "height"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), probe.output());
        assertTrue(Integer.parseInt(probe.get("video", "nb_read_frames")) > 0, probe.output());
    }

    private Stream stream(String path) {
        return server.engine().streams().find(StreamPath.parse(path));
    }

    /** A raw HTTP/1.1 GET; returns the socket positioned after the response head, which it puts in {@code head}. */
    private Socket get(String path, StringBuilder head, int timeoutMs) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.httpPort());
        socket.setSoTimeout(timeoutMs);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.append((char) b);
        }
        return socket;
    }

    /** The FLV body of a raw response (chunked or not). */
    private static InputStream flvBody(Socket socket, StringBuilder head) throws IOException {
        boolean chunked = head.toString().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
        return chunked ? new ChunkedInput(socket.getInputStream()) : socket.getInputStream();
    }

    /** Reads FLV tags until the first video keyframe that is not a sequence header. */
    private static void awaitFirstKeyframe(FlvStreamReader flv) throws IOException {
        flv.readHeader();
        while (true) {
            FlvStreamReader.Tag tag = flv.next();
            assertNotNull(tag, "the stream ended before a keyframe");
            if (tag.type() == TAG_VIDEO && (tag.body()[0] & 0xF0) >> 4 == 1 && tag.body()[1] == 1) {
                return;
            }
        }
    }

    @Test
    void shouldPullANotYetExistingPathForAnHttpFlvViewerAndServeItToFfprobe() throws Exception {
        assertNull(stream("live/flv"), "nothing before the viewer");

        Ffmpeg.Probe probe = probeFrames(http("/live/flv.flv"));

        assertDecodedTestMedia(probe);
        assertEquals(1, live.starts.get());
        assertTrue(stream("live/flv").isOnDemand());
    }

    @Test
    void shouldPullANotYetExistingPathForAnRtmpViewerAndServeItToFfprobe() throws Exception {
        Ffmpeg.Probe probe = probeFrames("rtmp://127.0.0.1:" + server.rtmpPort() + "/live/rtmp");

        assertDecodedTestMedia(probe);
        assertEquals(1, live.starts.get());
    }

    /** GETs a playlist as a player's first request; returns status, body and milliseconds to the answer. */
    private record Answer(int status, String body, long elapsedMs) {
    }

    private Answer timedGet(String path) throws IOException {
        long startNs = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) URI.create(http(path)).toURL().openConnection();
        c.setReadTimeout(30_000);
        int status = c.getResponseCode();
        try (InputStream in = status == 200 ? c.getInputStream() : c.getErrorStream()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(status, body, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        }
    }

    @Test
    void shouldAnswerAnHlsOnlyViewerOfAnEdgeWithAPlayablePlaylistWithinOneSegmentDurationPlusOneSecond()
            throws Exception {
        OriginRelaySource relay = new OriginRelaySource();
        server.engine().streams().addOnDemandSource(relay);
        Ffmpeg.FfmpegProcess origin = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.rtmpPort()
                + "/origin/hls", "640x360", FPS, 60), "origin-hls");
        live.publishers.add(origin);
        Await.until("the origin publishes a keyframe", Duration.ofSeconds(30), () -> {
            Stream s = stream("origin/hls");
            return s != null && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });

        Answer answer = timedGet("/edge/hls.m3u8");

        System.out.println("on-demand HLS through an edge: playlist with its first segment " + answer.elapsedMs()
                + " ms after the request (segment duration " + SEGMENT_MS + " ms)");
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains("#EXTINF:"), answer.body());
        assertTrue(answer.elapsedMs() <= SEGMENT_MS + 1_000, "playlist after " + answer.elapsedMs() + " ms");
        assertEquals(1, relay.starts.get(), "the playlist request started the pull");
        assertEquals(1, stream("edge/hls").subscribersByProtocol().get("hls"), "the HLS audience counts");
        assertDecodedTestMedia(probeFrames(http("/edge/hls.m3u8")));
    }

    @Test
    void shouldAnswerAnHlsOnlyViewerOneSegmentDurationAfterAColdUpstreamDelivers() throws Exception {
        long startNs = System.nanoTime();
        java.util.concurrent.CompletableFuture<Answer> request = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return timedGet("/live/hls.m3u8");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Await.until("the upstream's first frame", Duration.ofSeconds(30), () -> {
            Stream s = stream("live/hls");
            return s != null && s.hasMedia();
        });
        long firstMediaMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        Answer answer = request.get(30, TimeUnit.SECONDS);

        System.out.println("on-demand HLS from a cold encoder: its first frame " + firstMediaMs + " ms, the playlist"
                + " with its first segment " + answer.elapsedMs() + " ms after the request (segment duration "
                + SEGMENT_MS + " ms)");
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains("#EXTINF:"), answer.body());
        assertTrue(answer.elapsedMs() - firstMediaMs <= SEGMENT_MS + 1_000,
                "playlist " + (answer.elapsedMs() - firstMediaMs) + " ms after the upstream's first frame");
        assertEquals(1, live.starts.get(), "the playlist request started the pull");
        assertDecodedTestMedia(probeFrames(http("/live/hls.m3u8")));
    }

    @Test
    void shouldAnswerAnLlHlsViewerOfANotYetExistingPathWithItsFirstPart() throws Exception {
        Answer answer = timedGet("/llhls/live/ll.m3u8");

        System.out.println("on-demand LL-HLS from a cold encoder: the playlist with its first part "
                + answer.elapsedMs() + " ms after the request");
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().contains("#EXT-X-PART:"), answer.body());
        assertTrue(answer.elapsedMs() <= ON_DEMAND_TIMEOUT_S * 1_000L, "answered after " + answer.elapsedMs());
        assertEquals(1, live.starts.get(), "the playlist request started the pull");
        assertEquals(1, stream("live/ll").subscribersByProtocol().get("hls"), "the LL-HLS audience counts");
        // ffprobe 5.1 reads complete segments only (it knows no parts).
        Await.until("a complete LL-HLS segment", Duration.ofSeconds(10), () -> {
            try {
                return getOk("/llhls/live/ll.m3u8").contains("#EXTINF:");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertDecodedTestMedia(probeFrames(http("/llhls/live/ll.m3u8")));
    }

    @Test
    void shouldAnswerAHeldLlHlsPlaylistRequest404WhenTheUpstreamNeverDelivers() throws Exception {
        long startNs = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) URI.create(http("/llhls/never/ll.m3u8")).toURL()
                .openConnection();
        c.setReadTimeout(30_000);
        int status = c.getResponseCode();
        String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals(404, status);
        assertEquals("never/ll was not delivered by its upstream within " + ON_DEMAND_TIMEOUT_S + " s\n", body);
        assertTrue(elapsedMs >= ON_DEMAND_TIMEOUT_S * 1_000L - 200, "held for " + elapsedMs + " ms");
        assertEquals(1, never.starts.get());
    }

    @Test
    void shouldAnswer404WithTheReasonWhenTheUpstreamNeverDeliversToAnHttpFlvViewer() throws Exception {
        long startNs = System.nanoTime();
        StringBuilder head = new StringBuilder();
        String body;
        try (Socket socket = get("/never/flv.flv", head, 30_000)) {
            body = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertTrue(head.toString().startsWith("HTTP/1.1 404 "), head.toString());
        assertTrue(head.toString().toLowerCase(Locale.ROOT).contains("access-control-allow-origin: *"),
                head.toString());
        assertEquals("never/flv was not delivered by its upstream within " + ON_DEMAND_TIMEOUT_S + " s\n", body);
        assertTrue(elapsedMs >= ON_DEMAND_TIMEOUT_S * 1_000L - 200, "answered after " + elapsedMs + " ms");
        assertEquals(1, never.starts.get());
        assertNull(stream("never/flv"));
    }

    @Test
    void shouldAnswerStreamNotFoundAndCloseWhenTheUpstreamNeverDeliversToAnRtmpViewer() throws Exception {
        try (RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 0)) {
            client.play("never", "rtmp");
            RawRtmpClient.Message notFound = client.awaitStatus("NetStream.Play.StreamNotFound",
                    (ON_DEMAND_TIMEOUT_S + 5) * 1_000L);
            assertEquals("never/rtmp was not delivered by its upstream within " + ON_DEMAND_TIMEOUT_S + " s",
                    notFound.statusDescription());
            assertTrue(client.isClosedByServer(5_000), "the connection closes after the answer");
        }
        assertEquals(1, never.starts.get());
    }

    @Test
    void shouldAnswerAHeldHlsPlaylistRequest404WhenTheUpstreamNeverDelivers() throws Exception {
        long startNs = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) URI.create(http("/never/hls.m3u8")).toURL().openConnection();
        c.setReadTimeout(30_000);
        int status = c.getResponseCode();
        String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        assertEquals(404, status);
        assertEquals("never/hls was not delivered by its upstream within " + ON_DEMAND_TIMEOUT_S + " s\n", body);
        assertTrue(elapsedMs >= ON_DEMAND_TIMEOUT_S * 1_000L - 200, "held for " + elapsedMs + " ms");
        assertEquals(1, never.starts.get());
    }

    @Test
    void shouldCloseTheStreamAutoCloseDelayAfterTheLastViewerLeftAndTellTheSource() throws Exception {
        StringBuilder head = new StringBuilder();
        long leftNs;
        try (Socket socket = get("/live/leave.flv", head, 30_000)) {
            assertTrue(head.toString().startsWith("HTTP/1.1 200 "), head.toString());
            awaitFirstKeyframe(new FlvStreamReader(flvBody(socket, head)));
            assertEquals(StreamState.PUBLISHING, stream("live/leave").state());
            leftNs = System.nanoTime();
        }
        Stream stream = server.engine().streams().find(StreamPath.parse("live/leave"));
        Await.until("the stream waits to close", Duration.ofSeconds(5),
                () -> stream.state() == StreamState.WAITING_CLOSE || stream.isClosed());
        Await.until("the source hears of the close", Duration.ofSeconds(AUTO_CLOSE_DELAY_S + 5),
                () -> !live.closedAtNs.isEmpty());
        long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(live.closedAtNs.get(0) - leftNs);

        System.out.println("on-demand: closed " + closedAfterMs + " ms after the last viewer left (AutoCloseDelay "
                + AUTO_CLOSE_DELAY_S + " s)");
        assertTrue(closedAfterMs >= AUTO_CLOSE_DELAY_S * 1_000L - 100, closedAfterMs + " ms");
        assertTrue(closedAfterMs <= AUTO_CLOSE_DELAY_S * 1_000L + 1_500, closedAfterMs + " ms");
        assertEquals("live/leave had no viewer for its auto-close delay", stream.closeReason());
        assertNull(stream("live/leave"));
    }

    /** GET of a playlist or segment; returns the body, failing on any status but 200. */
    private String getOk(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(http(path)).toURL().openConnection();
        c.setReadTimeout(30_000);
        assertEquals(200, c.getResponseCode(), path);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void shouldKeepAStreamForAnHlsOnlyAudienceWhileItRequestsAndCloseItLeaseAndAutoCloseDelayAfter()
            throws Exception {
        String playlist = getOk("/live/hlsonly.m3u8");
        Stream stream = stream("live/hlsonly");
        HlsStream hls = server.engine().service(HlsStreams.class).find(StreamPath.parse("live/hlsonly"));
        long segmentsSeen = 0;
        long lastRequestNs = System.nanoTime();
        // A player's pace: the playlist and its newest segment once per new segment, for 5 segments (10 s, more
        // than the lease and AutoCloseDelay together).
        while (segmentsSeen < 5) {
            long sequence = hls.window().segments().get(hls.window().segments().size() - 1).sequence();
            Await.until("segment " + (sequence + 1), Duration.ofSeconds(10),
                    () -> hls.window().segments().get(hls.window().segments().size() - 1).sequence() > sequence);
            playlist = getOk("/live/hlsonly.m3u8");
            String newest = playlist.lines().filter(l -> l.endsWith(".ts")).reduce((a, b) -> b).orElseThrow();
            assertTrue(getOk("/live/" + newest).length() > 0);
            lastRequestNs = System.nanoTime();
            segmentsSeen++;
            assertEquals(StreamState.PUBLISHING, stream.state(), "the HLS audience watches");
            assertEquals(1, stream.subscribersByProtocol().get("hls"), "one HLS audience");
        }
        int targetS = hls.window().targetDurationS();
        long expectedMs = HlsServlet.LEASE_TARGET_DURATIONS * (long) targetS * 1_000L + AUTO_CLOSE_DELAY_S * 1_000L;

        Await.until("the source hears of the close", Duration.ofMillis(expectedMs + 5_000),
                () -> !live.closedAtNs.isEmpty());
        long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(live.closedAtNs.get(0) - lastRequestNs);

        System.out.println("on-demand HLS-only audience: closed " + closedAfterMs + " ms after its last request"
                + " (lease " + HlsServlet.LEASE_TARGET_DURATIONS + " x " + targetS + " s + AutoCloseDelay "
                + AUTO_CLOSE_DELAY_S + " s)");
        assertTrue(closedAfterMs >= expectedMs - 200, closedAfterMs + " ms, expected " + expectedMs);
        assertTrue(closedAfterMs <= expectedMs + 1_500, closedAfterMs + " ms, expected " + expectedMs);
        assertEquals("live/hlsonly had no viewer for its auto-close delay", stream.closeReason());
        assertEquals(1, live.starts.get());
    }

    @Test
    void shouldStartTheSourceOnceForAHundredViewersAcrossHttpFlvRtmpAndHls() throws Exception {
        int flvViewers = 40;
        int rtmpViewers = 40;
        int hlsViewers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<AutoCloseable> open = new CopyOnWriteArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> viewers = new ArrayList<>();
            for (int i = 0; i < flvViewers; i++) {
                viewers.add(pool.submit(() -> {
                    go.await();
                    StringBuilder head = new StringBuilder();
                    Socket socket = get("/live/many.flv", head, 30_000);
                    open.add(socket);
                    awaitFirstKeyframe(new FlvStreamReader(flvBody(socket, head)));
                    return "httpflv";
                }));
            }
            for (int i = 0; i < rtmpViewers; i++) {
                viewers.add(pool.submit(() -> {
                    go.await();
                    RawRtmpClient client = new RawRtmpClient(server.rtmpPort(), 0);
                    open.add(client);
                    client.play("live", "many");
                    client.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 30_000);
                    return "rtmp";
                }));
            }
            for (int i = 0; i < hlsViewers; i++) {
                viewers.add(pool.submit(() -> {
                    go.await();
                    HttpURLConnection c = (HttpURLConnection) URI.create(http("/live/many.m3u8")).toURL()
                            .openConnection();
                    c.setReadTimeout(30_000);
                    assertEquals(200, c.getResponseCode());
                    String playlist = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(playlist.contains("#EXTINF:"), playlist);
                    return "hls";
                }));
            }
            go.countDown();
            List<String> served = new ArrayList<>();
            for (Future<String> viewer : viewers) {
                served.add(viewer.get(60, TimeUnit.SECONDS));
            }
            assertEquals(flvViewers + rtmpViewers + hlsViewers, served.size());
            assertEquals(1, live.starts.get(), "one pull for all of them");
            assertEquals(1, live.publishers.size());
            Stream stream = stream("live/many");
            assertEquals(flvViewers, stream.subscribersByProtocol().get("httpflv"));
            assertEquals(rtmpViewers, stream.subscribersByProtocol().get("rtmp"));
            assertEquals(1, stream.subscribersByProtocol().get("hls"), "the HLS audience counts once");
        } finally {
            pool.shutdownNow();
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }
}
