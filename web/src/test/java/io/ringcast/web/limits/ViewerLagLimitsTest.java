package io.ringcast.web.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lag a viewer may accumulate ({@code [ring] skip_lag_ms}, {@code disconnect_lag_ms}), hit by HTTP-FLV viewers
 * that stop reading: skipped forward to the newest keyframe or disconnected, counted in {@code GET /api/streams},
 * and the stream serving on.
 */
@Timeout(60)
class ViewerLagLimitsTest {
    private static final long SKIP_LAG_MS = 300;
    private static final int FRAME_BYTES = 100_000;
    private static final int KEYFRAME_INTERVAL = 10;
    /** Far more than the kernel's socket buffers (up to 4 MB on loopback) and the container's can hold. */
    private static final int BACKLOG_FRAMES = 160;
    private static final int RECEIVE_BUFFER_BYTES = 4096;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;
    private SyntheticStream stream;
    private int nextIndex;

    private void start(long disconnectLagMs) {
        // A payload ring far larger than the backlog: the viewer falls behind in time, never lapped.
        server = cleanup.add(LoopbackServer.start("""
                [ring]
                video_payload_bytes = 67108864
                skip_lag_ms = %d
                disconnect_lag_ms = %d
                """.formatted(SKIP_LAG_MS, disconnectLagMs)));
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/lag"));
        publishFrames(1);
    }

    @Test
    void shouldSkipAViewerThatFellBehindToTheNewestKeyframeAndKeepIt() throws Exception {
        start(30_000);
        try (Socket viewer = openFlv(RECEIVE_BUFFER_BYTES)) {
            FlvStreamReader flv = new FlvStreamReader(body(viewer));
            assertEquals(0, SyntheticStream.videoIndex(ServerHealth.nextKeyframe(flv, true)));

            publishFrames(BACKLOG_FRAMES);
            int newestKeyframe = nextIndex - 1;
            publishFrames(1);
            assertEquals(0, newestKeyframe % KEYFRAME_INTERVAL);
            // The viewer reads nothing meanwhile: the server cannot write, and what waits for it grows old.
            long behindSince = System.nanoTime();
            Await.until("the waiting frames to be older than skip_lag_ms", Duration.ofSeconds(5),
                    () -> System.nanoTime() - behindSince > TimeUnit.MILLISECONDS.toNanos(3 * SKIP_LAG_MS));
            int lastIndex = nextIndex - 1;

            int previous = 0;
            int gaps = 0;
            int index = 0;
            do {
                FlvStreamReader.Tag tag = flv.next();
                assertNotNull(tag, "the viewer was disconnected");
                if (tag.type() != FlvTag.TYPE_VIDEO || tag.body()[1] != 1) {
                    continue;
                }
                index = SyntheticStream.videoIndex(tag.body());
                gaps += index == previous + 1 ? 0 : 1;
                previous = index;
            } while (index < lastIndex);
            assertEquals(lastIndex, previous, "the viewer got to the end of what was published");
            assertTrue(gaps >= 1, "frames were skipped on the way");
        }
        JsonNode stats = server.streamStats("live/lag");
        assertTrue(stats.get("framesSkipped").asLong() >= 1, stats.toString());
        assertEquals(0, stats.get("lagDisconnects").asLong(), stats.toString());
        assertPlaysOn();
    }

    @Test
    void shouldDisconnectAViewerThatStaysBehindPastDisconnectLagMs() throws Exception {
        start(1_500);
        try (Socket viewer = openFlv(RECEIVE_BUFFER_BYTES)) {
            FlvStreamReader flv = new FlvStreamReader(body(viewer));
            assertEquals(0, SyntheticStream.videoIndex(ServerHealth.nextKeyframe(flv, true)));

            publishFrames(BACKLOG_FRAMES);
            Await.until("the stalled viewer to be disconnected", ServerHealth.WAIT,
                    () -> server.engine().streams().find(stream.publisher().stream().path()).subscriberCount() == 0);
            InputStream in = viewer.getInputStream();
            byte[] drain = new byte[64 * 1024];
            while (in.read(drain) >= 0) {
                // what the kernel still held for the viewer, then the end of the stream
            }
        }
        JsonNode stats = server.streamStats("live/lag");
        assertEquals(1, stats.get("lagDisconnects").asLong(), stats.toString());
        assertEquals(0, stats.get("subscribers").get("total").asInt(), stats.toString());
        assertPlaysOn();
    }

    /** A new viewer starts at the newest keyframe. */
    private void assertPlaysOn() throws IOException {
        int keyframe = nextIndex + KEYFRAME_INTERVAL - nextIndex % KEYFRAME_INTERVAL;
        publishFrames(keyframe - nextIndex + 1);
        HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/lag.flv");
        assertEquals(200, viewer.getResponseCode());
        try (InputStream in = viewer.getInputStream()) {
            assertEquals(keyframe, SyntheticStream.videoIndex(ServerHealth.nextKeyframe(new FlvStreamReader(in),
                    true)), "a new viewer gets the newest keyframe");
        }
    }

    private void publishFrames(int count) {
        for (int i = 0; i < count; i++) {
            int index = nextIndex++;
            boolean keyframe = index % KEYFRAME_INTERVAL == 0;
            stream.video(SyntheticStream.videoFrame(index, keyframe, FRAME_BYTES), keyframe, index * 40L);
        }
    }

    /** An HTTP/1.0 request (an unchunked body), from a socket with a small receive buffer. */
    private Socket openFlv(int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), Http.TIMEOUT_MS);
        socket.setSoTimeout(Http.TIMEOUT_MS);
        socket.getOutputStream().write("GET /live/lag.flv HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The response body, after checking the status line and skipping the head. */
    private static InputStream body(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "closed in the response head: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.0 200") || head.toString().startsWith("HTTP/1.1 200"),
                head.toString());
        assertFalse(head.toString().toLowerCase(Locale.ROOT).contains("chunked"), head.toString());
        return in;
    }
}
