package io.ringcast.web.limits;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import io.ringcast.broadcast.media.flv.FlvTag;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What "the server is healthy after a limit was hit" means in the limit tests: it still does its job. */
final class ServerHealth {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final int KEYFRAME_BYTES = 20_000;

    private ServerHealth() {
    }

    /** A new RTMP publisher is accepted and its keyframe reaches a new HTTP-FLV viewer intact. */
    static void assertPublishAndPlayWork(LoopbackServer server, String name) throws IOException {
        assertPublishAndPlayWork(server, name, 0, KEYFRAME_BYTES);
    }

    /**
     * As {@link #assertPublishAndPlayWork(LoopbackServer, String)}, the publisher sending with chunk size
     * {@code chunkSizeBytes} (0: RTMP's default 128) a keyframe of {@code keyframeBytes}.
     */
    static void assertPublishAndPlayWork(LoopbackServer server, String name, int chunkSizeBytes, int keyframeBytes)
            throws IOException {
        try (RawRtmpClient publisher = new RawRtmpClient(server.rtmpPort(), 0)) {
            assertEquals("NetStream.Publish.Start", publisher.publish("live", name).statusCode(),
                    "a new publisher is accepted");
            if (chunkSizeBytes > 0) {
                publisher.setChunkSize(chunkSizeBytes);
            }
            byte[] keyframe = SampleMedia.videoFrame(true, keyframeBytes, name.hashCode());
            publisher.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
            publisher.sendMedia(MessageTypeIds.VIDEO, 40, keyframe);
            awaitKeyframe(server, name);
            HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/" + name + ".flv");
            assertEquals(200, viewer.getResponseCode(), "a new viewer is served");
            try (InputStream in = viewer.getInputStream()) {
                assertArrayEquals(keyframe, nextKeyframe(new FlvStreamReader(in), true), "the keyframe arrives intact");
            }
        }
    }

    /** Waits until live/{name} holds a video keyframe. */
    static void awaitKeyframe(LoopbackServer server, String name) {
        StreamPath path = StreamPath.parse("live/" + name);
        Await.until("a keyframe of " + path, WAIT, () -> {
            Stream stream = server.engine().streams().find(path);
            return stream != null && stream.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });
    }

    /** The body of the next video keyframe (not a sequence header) in an FLV stream. */
    static byte[] nextKeyframe(FlvStreamReader flv, boolean readHeader) throws IOException {
        if (readHeader) {
            flv.readHeader();
        }
        while (true) {
            FlvStreamReader.Tag tag = flv.next();
            assertNotNull(tag, "the stream ended before a keyframe");
            byte[] body = tag.body();
            if (tag.type() == FlvTag.TYPE_VIDEO && body.length > 1 && (body[0] & 0xF0) == 0x10 && body[1] == 1) {
                return body;
            }
        }
    }
}
