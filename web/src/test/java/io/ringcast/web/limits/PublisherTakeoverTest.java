package io.ringcast.web.limits;

import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An encoder whose connection died without a close (the server still holds it) reconnects: its new publish takes
 * the stream over once the old connection has been silent for {@code stale_publisher_ms}, instead of being refused
 * until the idle timeout; the old connection is closed and counted, and the viewers stay and play on. A publisher
 * that still sends is never displaced.
 */
@Timeout(60)
class PublisherTakeoverTest {
    private static final String TAKEN_OVER = "rtmp.closed.publisher_taken_over";

    private final List<RawRtmpClient> clients = new ArrayList<>();
    private LoopbackServer server;

    @BeforeEach
    void start() {
        server = LoopbackServer.start("""
                [rtmp]
                stale_publisher_ms = 500
                """);
    }

    @AfterEach
    void stop() throws IOException {
        for (RawRtmpClient c : clients) {
            c.close();
        }
        server.close();
    }

    private RawRtmpClient client() throws IOException {
        RawRtmpClient c = new RawRtmpClient(server.rtmpPort(), 0);
        clients.add(c);
        return c;
    }

    /** A sequence header and a GOP of {@code frames} video frames of {@code frameBytes} each (which tells whose). */
    private static void sendGop(RawRtmpClient publisher, int frames, int frameBytes) throws IOException {
        publisher.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
        for (int i = 0; i < frames; i++) {
            publisher.sendMedia(MessageTypeIds.VIDEO, 40L * i, SampleMedia.videoFrame(i == 0, frameBytes, i));
        }
    }

    private static boolean isVideoFrame(FlvStreamReader.Tag tag) {
        return tag.type() == FlvTag.TYPE_VIDEO && tag.body().length > 1 && tag.body()[1] == 1;
    }

    @Test
    void shouldLetAReconnectingEncoderTakeOverFromItsDeadConnectionWhileViewersPlayOn() throws Exception {
        RawRtmpClient dead = client();
        assertEquals("NetStream.Publish.Start", dead.publish("live", "t").statusCode());
        sendGop(dead, 10, 2_000);
        ServerHealth.awaitKeyframe(server, "t");
        HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/t.flv");
        assertEquals(200, viewer.getResponseCode());
        try (InputStream in = viewer.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            long lastMs = -1;
            int videoFrames = 0;
            while (videoFrames < 1) {
                FlvStreamReader.Tag tag = flv.next();
                if (isVideoFrame(tag)) {
                    videoFrames++;
                    lastMs = tag.timestampMs();
                }
            }
            // "dead" now sends nothing and its socket stays open: a pulled cable, seen from the server.
            RawRtmpClient[] successor = {null};
            Await.until("a new publish takes the silent stream over", ServerHealth.WAIT, () -> {
                try {
                    RawRtmpClient attempt = new RawRtmpClient(server.rtmpPort(), 0);
                    String status = attempt.publish("live", "t").statusCode();
                    if ("NetStream.Publish.Start".equals(status)) {
                        clients.add(attempt);
                        successor[0] = attempt;
                        return true;
                    }
                    attempt.close();
                    assertEquals("NetStream.Publish.BadName", status, "refused while the first one counts as alive");
                    return false;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(dead.isClosedByServer(10_000), "the dead connection is closed");
            assertEquals(1, server.counter(TAKEN_OVER));

            sendGop(successor[0], 10, 3_000);
            int fromSuccessor = 0;
            while (fromSuccessor < 10) {
                FlvStreamReader.Tag tag = flv.next();
                assertNotNull(tag, "the viewer stays connected across the takeover");
                assertTrue(tag.timestampMs() >= lastMs, "timestamps never go back: " + tag.timestampMs()
                        + " after " + lastMs);
                lastMs = tag.timestampMs();
                if (isVideoFrame(tag) && tag.body().length == 3_000) {
                    fromSuccessor++;
                }
            }
        }
    }

    @Test
    void shouldNeverDisplaceAPublisherThatKeepsSending() throws Exception {
        RawRtmpClient live = client();
        assertEquals("NetStream.Publish.Start", live.publish("live", "busy").statusCode());
        sendGop(live, 5, 2_000);
        ServerHealth.awaitKeyframe(server, "busy");
        for (int i = 0; i < 4; i++) {
            // The first publisher keeps sending, each time more recently than stale_publisher_ms.
            live.sendMedia(MessageTypeIds.VIDEO, 200 + 40L * i, SampleMedia.videoFrame(false, 500, i));
            RawRtmpClient intruder = client();
            assertEquals("NetStream.Publish.BadName", intruder.publish("live", "busy").statusCode());
        }
        assertFalse(live.isClosedByServer(300), "the live publisher keeps its connection");
        assertEquals(0, server.counter(TAKEN_OVER));
    }
}
