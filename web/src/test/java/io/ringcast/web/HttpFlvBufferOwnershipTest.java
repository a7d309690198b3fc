package io.ringcast.web;

import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.QuarantineBufferPool;
import io.ringcast.web.testing.SyntheticStream;
import io.ringcast.web.testing.ViewerChurn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No thread writes into a buffer of the HTTP listener's pool after it was returned, under HTTP-FLV viewer churn on a
 * live stream: the pool quarantines every returned buffer filled with a pattern and checks it was left alone. Before
 * the fix, the fan-out worker wrote into its viewer's response buffer after Undertow had returned it on the I/O
 * thread (ServletOutputStreamImpl.closeAsync); with Undertow's real pool that buffer was freed at once, and the JVM
 * died of heap corruption (issue 11, finding 1).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpFlvBufferOwnershipTest {
    private static final int BUFFER_BYTES = 16_364;
    private static final int QUARANTINE = 2_048;
    private static final int FRAME_MS = 40;

    private RingcastServer server;
    private ScheduledExecutorService publisher;

    @AfterEach
    void stop() throws InterruptedException {
        if (publisher != null) {
            publisher.shutdownNow();
            publisher.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldNeverWriteIntoAPooledBufferAfterItWasReturned() throws Exception {
        QuarantineBufferPool pool = new QuarantineBufferPool(BUFFER_BYTES, QUARANTINE);
        server = RingcastServer.start(TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [http]
                new_connections_per_ip_per_second = 0
                """).configFile(), OptionalInt.empty(), pool);
        publisher = Executors.newSingleThreadScheduledExecutor();
        SyntheticStream stream = publisher.submit(() -> new SyntheticStream(server.engine(), "live/x")).get();
        int[] frame = {0};
        ScheduledFuture<?> publishing = publisher.scheduleAtFixedRate(() -> {
            int i = frame[0]++;
            boolean keyframe = i % 25 == 0;
            stream.video(SyntheticStream.videoFrame(i, keyframe, 6_000), keyframe, (long) i * FRAME_MS);
            stream.audio(SyntheticStream.audioFrame(i, 300), (long) i * FRAME_MS);
        }, 0, FRAME_MS, TimeUnit.MILLISECONDS);

        ViewerChurn.Result churn = new ViewerChurn("127.0.0.1", server.httpPort(), "/live/x.flv").run(2, 4_000);

        assertFalse(publishing.isDone(), "the publisher published throughout (a throwing pass would end it)");
        assertEquals(0, churn.failures(), churn.toString());
        assertTrue(churn.ok() > 3_000, "viewers were served: " + churn);
        long written = pool.checkAll();
        assertEquals(0, written, written + " of " + pool.allocated() + " buffers written after their return, first: "
                + pool.firstReport());
        System.out.println("churn 2 x 4000: " + churn + "; buffers allocated " + pool.allocated()
                + ", written after return " + written);
    }
}
