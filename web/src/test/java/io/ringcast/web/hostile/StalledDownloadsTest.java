package io.ringcast.web.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.hls.HlsSegment;
import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.web.page.PlayerLibraries;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, finding 3: clients that request a large body and never read it (a 4 KB receive buffer, nothing read)
 * hold only their own connections. With 20 stalled HLS segment downloads (3 MB each) and 20 stalled HTTP-FLV
 * viewers, {@code /api/server}, a playlist, two pages and a new HTTP-FLV viewer each answer within 1 s; the stalled
 * connections are then closed by {@code [http] write_timeout_ms} and counted as {@code http.closed.write_timeout}.
 */
@Timeout(120)
class StalledDownloadsTest {
    private static final int STALLED_PER_KIND = 20;
    private static final int RECEIVE_BUFFER_BYTES = 4_096;
    private static final long ANSWER_WITHIN_MS = 1_000;
    private static final int WRITE_TIMEOUT_MS = 5_000;
    private static final String WRITE_TIMEOUT_COUNTER = "http.closed.write_timeout";
    private static final int BIG_FRAME_BYTES = 100_000;
    private static final int FEED_FRAME_BYTES = 10_000;
    private static final long FEED_INTERVAL_MS = 40;
    private static final byte[] FLV_SIGNATURE = {'F', 'L', 'V', 1};

    private final List<Socket> stalled = new ArrayList<>();
    private LoopbackServer server;
    private SyntheticStream big;
    private SyntheticStream live;
    private ScheduledExecutorService feeder;
    private List<Long> bigSegments;

    @BeforeEach
    void start() {
        // Lag disconnects far away: the stalled viewers must be ended by the write timeout, nothing else.
        server = LoopbackServer.start("""
                [rtmp]
                enable = false
                [http]
                write_timeout_ms = %d
                [hls]
                segment_duration_ms = 1000
                [ring]
                disconnect_lag_ms = 600000
                """.formatted(WRITE_TIMEOUT_MS));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : stalled) {
            s.close();
        }
        if (feeder != null) {
            feeder.shutdownNow();
        }
        if (live != null) {
            live.close();
        }
        if (big != null) {
            big.close();
        }
        server.close();
    }

    @Test
    void shouldAnswerEveryOtherRequestWithinOneSecondWhileDownloadsStallAndThenCloseThem() throws Exception {
        big = publishThreeMegabyteSegments("live/big");
        live = new SyntheticStream(server.engine(), "live/flv");
        feeder = Executors.newSingleThreadScheduledExecutor();
        long[] next = {0};
        ScheduledFuture<?> feeding = feeder.scheduleAtFixedRate(() -> {
            int i = (int) next[0]++;
            boolean keyframe = i % 25 == 0;
            live.video(SyntheticStream.videoFrame(i, keyframe, FEED_FRAME_BYTES), keyframe, i * FEED_INTERVAL_MS);
        }, 0, FEED_INTERVAL_MS, TimeUnit.MILLISECONDS);

        for (int i = 0; i < STALLED_PER_KIND; i++) {
            stalled.add(stalledRequest("/live/flv.flv"));
        }
        for (int i = 0; i < STALLED_PER_KIND; i++) {
            stalled.add(stalledRequest("/live/big/" + bigSegments.get(i % 2) + ".ts"));
        }
        // Each has bytes of its answer waiting unread: the server is writing to every one of them.
        String notAnswered = "";
        try {
            Await.until("all " + stalled.size() + " stalled downloads answered", Duration.ofSeconds(10),
                    () -> answered() == stalled.size(), () -> answered() + " of " + stalled.size()
                            + " answered; bytes waiting (HTTP-FLV first, then HLS): " + waiting());
        } catch (AssertionError e) {
            notAnswered = e.getMessage(); // reported with the checks below, which run regardless
        }

        List<String> slow = new ArrayList<>();
        long[] worstMs = {0};
        for (int round = 0; round < 3; round++) {
            check(slow, worstMs, round, "/api/server", get("/api/server"));
            check(slow, worstMs, round, "/live/big.m3u8", get("/live/big.m3u8"));
            check(slow, worstMs, round, "/ (stream list)", get("/"));
            check(slow, worstMs, round, "/play/live/flv", get("/play/live/flv"));
            check(slow, worstMs, round, "new HTTP-FLV viewer's header", flvHeader("/live/flv.flv"));
        }
        assertTrue(slow.isEmpty() && notAnswered.isEmpty(), "answers slower than " + ANSWER_WITHIN_MS
                + " ms or missing: " + slow + "\n" + notAnswered);
        assertEquals(0, server.counter(WRITE_TIMEOUT_COUNTER),
                "the stalled downloads were still open while the others were answered");

        long stalledAtNs = System.nanoTime();
        server.awaitCounter(WRITE_TIMEOUT_COUNTER, stalled.size(), Duration.ofMillis(WRITE_TIMEOUT_MS + 20_000));
        System.out.printf("stalled downloads: %d HLS + %d HTTP-FLV; worst other answer %d ms over 15 requests; "
                        + "all stalled closed by the %d ms write timeout %d ms after the checks%n", STALLED_PER_KIND,
                STALLED_PER_KIND, worstMs[0], WRITE_TIMEOUT_MS,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAtNs));
        for (Socket s : stalled) {
            assertClosedByServer(s);
        }
        JsonNode counters = server.serverStats().path("counters");
        assertEquals(stalled.size(), counters.path(WRITE_TIMEOUT_COUNTER).asLong(), counters.toString());
        assertEquals(0, server.streamStats("live/flv").path("lagDisconnects").asLong(),
                "the viewers were closed by the write timeout, not the lag policy");
        Answer after = get("/api/server");
        assertEquals(200, after.status(), "the server serves on afterwards");
        assertFalse(feeding.isDone(), "the feeder fed throughout (a throwing pass would end it)");
    }

    @Test
    void shouldAnswerWhileDownloadsOfThePlayerLibrariesStall() throws Exception {
        live = new SyntheticStream(server.engine(), "live/flv");
        String script = "/" + PlayerLibraries.packaged().hlsjsScript(); // over 600 KB: more than the socket buffers
        for (int i = 0; i < STALLED_PER_KIND; i++) {
            stalled.add(stalledRequest(script));
        }
        String notAnswered = "";
        try {
            Await.until("all " + stalled.size() + " stalled script downloads answered", Duration.ofSeconds(10),
                    () -> answered() == stalled.size(), () -> answered() + " of " + stalled.size() + " answered");
        } catch (AssertionError e) {
            notAnswered = e.getMessage();
        }
        List<String> slow = new ArrayList<>();
        long[] worstMs = {0};
        for (int round = 0; round < 3; round++) {
            check(slow, worstMs, round, "/api/server", get("/api/server"));
            check(slow, worstMs, round, "/play/live/flv", get("/play/live/flv"));
            check(slow, worstMs, round, "/assets/player.js", get("/assets/player.js"));
        }
        assertTrue(slow.isEmpty() && notAnswered.isEmpty(), "answers slower than " + ANSWER_WITHIN_MS
                + " ms or missing: " + slow + "\n" + notAnswered);
        assertEquals(0, server.counter(WRITE_TIMEOUT_COUNTER), "the stalled downloads were still open meanwhile");

        server.awaitCounter(WRITE_TIMEOUT_COUNTER, stalled.size(), Duration.ofMillis(WRITE_TIMEOUT_MS + 20_000));
        for (Socket s : stalled) {
            assertClosedByServer(s);
        }
        System.out.printf("stalled script downloads: %d; worst other answer %d ms over 9 requests%n",
                stalled.size(), worstMs[0]);
    }

    /** A stream whose first two HLS segments are about 3 MB each: 100 KB frames, 30 per 1 s segment. */
    private SyntheticStream publishThreeMegabyteSegments(String path) {
        SyntheticStream stream = new SyntheticStream(server.engine(), path);
        for (int i = 0; i <= 90; i++) {
            stream.video(SyntheticStream.videoFrame(i, i % 30 == 0, BIG_FRAME_BYTES), i % 30 == 0, i * 34L);
        }
        HlsStreams hls = server.engine().service(HlsStreams.class);
        Await.until("two 3 MB segments of " + path, Duration.ofSeconds(20), () -> {
            HlsStream s = hls.find(StreamPath.parse(path));
            List<HlsSegment> segments = s == null ? List.of() : s.window().segments();
            if (segments.size() < 2 || segments.get(1).bytes().length < 2_900_000) {
                return false;
            }
            bigSegments = List.of(segments.get(0).sequence(), segments.get(1).sequence());
            return true;
        }, () -> {
            HlsStream s = hls.find(StreamPath.parse(path));
            return s == null ? "no HLS stream" : "published=" + s.stats().segmentsPublished() + " muxed="
                    + s.stats().framesMuxed() + " dropped=" + s.stats().framesDropped() + " segments="
                    + s.window().segments();
        });
        return stream;
    }

    /** Sends {@code GET path} from a socket with a 4 KB receive buffer that will never be read. */
    private Socket stalledRequest(String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private int answered() {
        int n = 0;
        for (Socket s : stalled) {
            try {
                if (s.getInputStream().available() > 0) {
                    n++;
                }
            } catch (IOException e) {
                // closed: not answered
            }
        }
        return n;
    }

    private String waiting() {
        StringBuilder out = new StringBuilder();
        for (Socket s : stalled) {
            try {
                out.append(s.getInputStream().available()).append(' ');
            } catch (IOException e) {
                out.append("closed ");
            }
        }
        return out.toString();
    }

    private static void check(List<String> slow, long[] worstMs, int round, String what, Answer answer) {
        worstMs[0] = Math.max(worstMs[0], answer.elapsedMs());
        if (answer.status() != 200 || answer.elapsedMs() > ANSWER_WITHIN_MS) {
            slow.add("round " + round + " " + what + ": " + answer);
        }
    }

    /** Reads from a stalled socket until the server's close shows (end of stream or a reset). */
    private static void assertClosedByServer(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        byte[] sink = new byte[64 * 1024];
        try {
            while (in.read(sink) >= 0) {
                // drain what the kernel still held, up to the server's close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a stalled download was not closed by the server", e);
        } catch (SocketException reset) {
            // closed with unsent data: a reset is the server's close too
        }
    }

    record Answer(int status, long elapsedMs, String note) {
    }

    /** {@code GET path} on a fresh connection, whole answer read, with a 1 s read timeout; status 0 if none. */
    private Answer get(String path) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) ANSWER_WITHIN_MS + 500);
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : 0;
            return new Answer(status, elapsedMs(start), text.length() + " bytes");
        } catch (SocketTimeoutException e) {
            return new Answer(0, elapsedMs(start), "no answer");
        }
    }

    /** A new HTTP-FLV viewer: status 200 once the FLV signature arrives. */
    private Answer flvHeader(String path) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) ANSWER_WITHIN_MS + 500);
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            int matched = 0;
            for (int b = in.read(); b >= 0; b = in.read()) {
                matched = b == FLV_SIGNATURE[matched] ? matched + 1 : (b == FLV_SIGNATURE[0] ? 1 : 0);
                if (matched == FLV_SIGNATURE.length) {
                    return new Answer(200, elapsedMs(start), "FLV header");
                }
            }
            return new Answer(0, elapsedMs(start), "ended before an FLV header");
        } catch (SocketTimeoutException e) {
            return new Answer(0, elapsedMs(start), "no FLV header");
        }
    }

    private static long elapsedMs(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
