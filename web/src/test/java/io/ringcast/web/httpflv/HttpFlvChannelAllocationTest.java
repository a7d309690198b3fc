package io.ringcast.web.httpflv;

import io.ringcast.ingest.testing.ThreadAllocation;
import io.ringcast.web.RingcastServer;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.SyntheticStream;
import io.ringcast.broadcast.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded server's HTTP-FLV egress writes each frame from the payload ring to the socket through the
 * exchange's own channel (one gathering write, no copy): the response is close-delimited, not chunked, and after
 * warm-up the fan-out worker allocates nothing per frame. A raw socket plays over loopback and reads each frame back.
 */
@Timeout(60)
class HttpFlvChannelAllocationTest {
    private static final int FRAMES = 1_500;
    private static final int WARM_UP_FRAMES = 5_000;
    private static final int ROUNDS = 6;
    private static final int KEYFRAME_INTERVAL = 30;
    private static final String FANOUT_THREAD_PREFIX = "ringcast-fanout-";

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private final byte[] audio = SyntheticStream.audioFrame(1, 200);
    private final byte[] video = SyntheticStream.videoFrame(2, false, 10_000);
    private final byte[] keyframe = SyntheticStream.videoFrame(3, true, 100_000);
    private SyntheticStream stream;
    private long frameIndex;

    @Test
    void shouldWriteFramesFromTheRingCloseDelimitedAndAllocateNothingPerFrame() throws Exception {
        RingcastServer server = cleanup.add(RingcastServer.start(TestConfig.loopback().toml("""
                [http]
                fanout_threads = 1
                """).configFile(), OptionalInt.empty()));
        stream = cleanup.add(new SyntheticStream(server.engine(), "live/alloc"));
        publishNext();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.httpPort())) {
            socket.getOutputStream().write("GET /live/alloc.flv HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readHead(in).toLowerCase(java.util.Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertTrue(head.contains("connection: close"), "the body ends with the connection: " + head);
            assertFalse(head.contains("transfer-encoding"), "no chunk framing around the frames: " + head);
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            for (int i = 0; i < 3; i++) {
                flv.next(); // metadata, sequence headers
            }
            assertArrayEquals(keyframe, flv.next().body(), "the viewer starts at the keyframe");
            for (int i = 0; i < WARM_UP_FRAMES; i++) {
                playOneFrame(flv);
            }
            ThreadAllocation.assertBestRoundAllocatesNothing("the fan-out worker per round of " + FRAMES
                    + " HTTP-FLV frames", fanoutThreadIds(), ROUNDS, () -> {
                        for (int i = 0; i < FRAMES; i++) {
                            playOneFrame(flv);
                        }
                    });
        }
    }

    private void playOneFrame(FlvStreamReader flv) throws IOException {
        byte[] sent = publishNext();
        FlvStreamReader.Tag received = flv.next();
        assertEquals(sent.length, received.body().length, "frame " + frameIndex);
        assertEquals(sent[sent.length - 1], received.body()[sent.length - 1], "frame " + frameIndex);
    }

    /** A GOP of 30: a keyframe, then P-frames, each followed by an audio frame. */
    private byte[] publishNext() {
        long index = frameIndex++;
        long timestampMs = index * 20;
        if (index % 2 == 1) {
            stream.audio(audio, timestampMs);
            return audio;
        }
        boolean key = (index / 2) % KEYFRAME_INTERVAL == 0;
        byte[] body = key ? keyframe : video;
        stream.video(body, key, timestampMs);
        return body;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static long[] fanoutThreadIds() {
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(FANOUT_THREAD_PREFIX))
                .mapToLong(Thread::getId).toArray();
        assertTrue(ids.length >= 1, "a fan-out worker: " + Arrays.toString(ids));
        return ids;
    }
}
