package io.ringcast.web.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine's limits, max streams and max viewers per stream, hit by real clients: clean refusals with a reason
 * (an RTMP onStatus error, HTTP 503), counted in {@code GET /api/server}, and the server serving on.
 */
@Timeout(60)
class LimitsEndToEndTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private LoopbackServer server;

    @Test
    void shouldShowEveryConnectionCounterAtZeroBeforeAnyLimitIsHit() throws Exception {
        server = cleanup.add(LoopbackServer.start(""));
        JsonNode counters = server.serverStats().get("counters");
        Set<String> names = new TreeSet<>();
        counters.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(List.of("http.closed.header_too_large", "http.closed.idle_timeout",
                "http.closed.request_parse_timeout", "http.closed.write_timeout", "http.refused.max_connections",
                "http.refused.max_connections_per_ip", "http.refused.new_connections_per_ip",
                "rtmp.closed.handshake_timeout", "rtmp.closed.idle_timeout",
                "rtmp.closed.max_partial_message_bytes", "rtmp.closed.max_partial_message_bytes_per_connection",
                "rtmp.closed.protocol_violation", "rtmp.closed.publisher_taken_over", "rtmp.refused.fd_exhausted",
                "rtmp.refused.max_connections", "rtmp.refused.max_connections_per_ip")), names,
                "an operator sees every limit from the start");
        counters.forEach(value -> assertEquals(0, value.asLong(), counters.toString()));
    }

    @Test
    void shouldRejectAPublisherBeyondMaxStreamsWithAReasonAndAcceptItOnceAStreamEnded() throws Exception {
        server = cleanup.add(LoopbackServer.start("""
                [Engine]
                PublishTimeout = 1
                [limits]
                max_streams = 1
                """));
        try (RawRtmpClient first = new RawRtmpClient(server.rtmpPort(), 0)) {
            assertEquals("NetStream.Publish.Start", first.publish("live", "a").statusCode());
            byte[] keyframe = SampleMedia.videoFrame(true, 3_000, 1);
            first.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
            first.sendMedia(MessageTypeIds.VIDEO, 40, keyframe);
            ServerHealth.awaitKeyframe(server, "a");

            try (RawRtmpClient second = new RawRtmpClient(server.rtmpPort(), 0)) {
                RawRtmpClient.Message refusal = second.publish("live", "b");
                assertEquals("NetStream.Publish.Rejected", refusal.statusCode());
                assertEquals("the server has its maximum of 1 streams", refusal.statusDescription());
                assertFalse(second.isClosedByServer(200), "refused, not disconnected");
            }
            JsonNode stats = server.serverStats();
            assertEquals(1, stats.get("refused").get("publishersMaxStreams").asLong(), stats.toString());
            assertEquals(1, stats.get("streams").asInt(), stats.toString());

            HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/a.flv");
            assertEquals(200, viewer.getResponseCode(), "the accepted stream still plays");
            try (InputStream in = viewer.getInputStream()) {
                assertArrayEquals(keyframe, ServerHealth.nextKeyframe(new FlvStreamReader(in), true));
            }
        }
        // Its publisher gone, live/a waits PublishTimeout (1 s) for it, then ends and frees the slot.
        Await.until("live/a to end", ServerHealth.WAIT, () -> server.engine().streams().size() == 0);
        ServerHealth.assertPublishAndPlayWork(server, "b");
        assertEquals(1, server.serverStats().get("refused").get("publishersMaxStreams").asLong());
    }

    @Test
    void shouldRefuseViewersBeyondTheLimitOverHttpFlvAndRtmpWhileTheFirstWatchesOn() throws Exception {
        server = cleanup.add(LoopbackServer.start("""
                [limits]
                max_viewers_per_stream = 1
                """));
        try (SyntheticStream stream = new SyntheticStream(server.engine(), "live/a")) {
            stream.video(SyntheticStream.videoFrame(0, true, 500), true, 0);
            Stream watched = server.engine().streams().find(StreamPath.parse("live/a"));
            HttpURLConnection first = Http.open(server.httpPort(), "GET", "/live/a.flv");
            assertEquals(200, first.getResponseCode());
            try (InputStream in = first.getInputStream()) {
                FlvStreamReader flv = new FlvStreamReader(in);
                flv.readHeader();
                Await.until("the first viewer to be counted", ServerHealth.WAIT, () -> watched.subscriberCount() == 1);

                HttpURLConnection second = Http.open(server.httpPort(), "GET", "/live/a.flv");
                assertEquals(503, second.getResponseCode());
                assertEquals("5", second.getHeaderField("Retry-After"));
                assertTrue(Http.body(second).contains("live/a has its maximum of 1 viewers"));

                try (RawRtmpClient rtmp = new RawRtmpClient(server.rtmpPort(), 0)) {
                    rtmp.requestPlay("live", "a");
                    RawRtmpClient.Message refusal = rtmp.awaitMessage(m -> m.statusCode() != null, 10_000);
                    assertEquals("NetStream.Play.Failed", refusal.statusCode(), "refused before any Play.Start");
                    assertEquals("live/a has its maximum of 1 viewers", refusal.statusDescription());
                    assertFalse(rtmp.isClosedByServer(200), "refused, not disconnected");
                }
                assertEquals(2, server.serverStats().get("refused").get("viewersMaxPerStream").asLong());

                stream.video(SyntheticStream.videoFrame(1, false, 300), false, 33);
                List<Integer> types = new ArrayList<>();
                while (types.size() < 4) {
                    types.add(flv.next().type());
                }
                assertEquals(List.of(18, 9, 8, 9), types, "metadata, sequence headers, frames: the first watches on");
            }
            first.disconnect();
            // The server notices that a viewer left when it next writes to it: the stream goes on meanwhile.
            long[] timestampMs = {33};
            Await.until("the first viewer to leave", ServerHealth.WAIT, () -> {
                timestampMs[0] += 33;
                stream.video(SyntheticStream.videoFrame(2, false, 300), false, timestampMs[0]);
                return watched.subscriberCount() == 0;
            });
            try (RawRtmpClient rtmp = new RawRtmpClient(server.rtmpPort(), 0)) {
                rtmp.play("live", "a");
                assertTrue(rtmp.awaitMessage(RawRtmpClient.Message::isVideoKeyframe, 10_000).isMedia(),
                        "with the slot free, an RTMP viewer plays");
            }
        }
    }
}
