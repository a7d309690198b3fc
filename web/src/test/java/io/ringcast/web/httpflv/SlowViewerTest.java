package io.ringcast.web.httpflv;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A viewer that stops reading must cost the others nothing and be dropped by the lag policy. */
@Timeout(60)
class SlowViewerTest {
    private static final String CONFIG = """
            [http]
            fanout_threads = 1

            [ring]
            skip_lag_ms = 500
            disconnect_lag_ms = 1500
            """;
    private static final long TOTAL_BYTES = 30L << 20;
    private static final int FRAMES_AHEAD_OF_HEALTHY_VIEWER = 16;
    private static final int KEYFRAME_INTERVAL = 30;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private RingcastServer server;
    private SyntheticStream publisher;

    @BeforeEach
    void start() {
        server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml(CONFIG).configFile(),
                OptionalInt.empty()));
    }

    @Test
    void shouldKeepAHealthyViewerWholeWhileAStalledViewerIsDisconnected() throws Exception {
        publisher = cleanup.add(new SyntheticStream(server.engine(), "live/slow"));
        publisher.video(frame(0), true, 0);
        Stream stream = server.engine().streams().find(StreamPath.parse("live/slow"));

        cleanup.add(stalledViewer(server.httpPort(), "/live/slow.flv"));
        Await.until("the stalled viewer to subscribe", STEP_TIMEOUT, () -> stream.subscriberCount() == 1);

        AtomicInteger lastIndex = new AtomicInteger(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        HttpURLConnection healthy = Http.open(server.httpPort(), "GET", "/live/slow.flv");
        assertEquals(200, healthy.getResponseCode());
        Thread reader = new Thread(() -> readAll(healthy, lastIndex, failure), "healthy-viewer");
        reader.setDaemon(true);
        reader.start();
        Await.until("the healthy viewer to receive the first keyframe", STEP_TIMEOUT, () -> lastIndex.get() == 0);

        long published = frame(0).length;
        int index = 0;
        while (published < TOTAL_BYTES) {
            index++;
            int waitFor = index - FRAMES_AHEAD_OF_HEALTHY_VIEWER;
            Await.until("the healthy viewer to reach frame " + waitFor + " (at " + lastIndex.get() + ", error "
                    + failure.get() + ")", STEP_TIMEOUT, () -> lastIndex.get() >= waitFor || failure.get() != null);
            assertNoFailure(failure);
            byte[] body = frame(index);
            publisher.video(body, isKeyframe(index), index * 40L);
            published += body.length;
        }
        int lastPublished = index;
        Await.until("the healthy viewer to receive every frame", STEP_TIMEOUT,
                () -> lastIndex.get() == lastPublished || failure.get() != null);
        assertNoFailure(failure);
        Await.until("the stalled viewer to be disconnected for lag and counted out", STEP_TIMEOUT,
                () -> stream.subscribersDisconnectedForLag() >= 1 && stream.subscriberCount() == 1);

        assertEquals(lastPublished, lastIndex.get());
        assertEquals(1, stream.subscriberCount(), "only the healthy viewer remains");
        assertEquals(1, stream.subscribersDisconnectedForLag());
        assertTrue(published >= TOTAL_BYTES);
    }

    /** Reads tags, checking every video frame is the next one in order and intact. */
    private static void readAll(HttpURLConnection connection, AtomicInteger lastIndex,
                                AtomicReference<Throwable> failure) {
        try (InputStream in = connection.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            for (int i = 0; i < 3; i++) {
                flv.next();
            }
            FlvStreamReader.Tag tag;
            while ((tag = flv.next()) != null) {
                if (tag.type() != FlvTag.TYPE_VIDEO) {
                    continue;
                }
                int index = SyntheticStream.videoIndex(tag.body());
                assertEquals(lastIndex.get() + 1, index, "frames arrive in order without gaps");
                assertArrayEquals(frame(index), tag.body(), "frame " + index + " intact");
                assertEquals(index * 40L, tag.timestampMs());
                lastIndex.set(index);
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Connects with a tiny receive window, asks for the stream and never reads. */
    private static Socket stalledViewer(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), Http.TIMEOUT_MS);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static boolean isKeyframe(int index) {
        return index % KEYFRAME_INTERVAL == 0;
    }

    private static byte[] frame(int index) {
        return SyntheticStream.videoFrame(index, isKeyframe(index), 60_000 + (index % 7) * 1_000);
    }

    private static void assertNoFailure(AtomicReference<Throwable> failure) {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("healthy viewer failed: " + t, t);
        }
    }
}
