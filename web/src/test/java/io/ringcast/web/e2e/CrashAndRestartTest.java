package io.ringcast.web.e2e;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.ChildServer;
import io.ringcast.web.testing.FlvStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Crashes and restarts with real processes: a publisher killed with SIGKILL, the server stopped with SIGTERM. */
@Timeout(120)
class CrashAndRestartTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldWaitForAKilledPublisherThenCloseItsViewersCleanlyAfterPublishTimeout() throws Exception {
        Ffmpeg.assumeInstalled();
        RingcastServer server = RingcastServer.start(TestConfig.loopback().toml("""
                [Engine]
                PublishTimeout = 3
                """).configFile(), OptionalInt.empty());
        cleanup.add(server);
        String rtmp = "rtmp://127.0.0.1:" + server.pluginPort("rtmp") + "/live/k";
        Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs(rtmp, "640x360", 30, 60), "victim");
        cleanup.add(publisher);
        StreamPath path = StreamPath.parse("live/k");
        Await.until("frames", Duration.ofSeconds(20), () -> server.engine().streams().find(path) != null
                && server.engine().streams().find(path).track(TrackKind.VIDEO).framesPublished() > 10);

        HttpURLConnection viewer = (HttpURLConnection) new URL("http://127.0.0.1:" + server.httpPort()
                + "/live/k.flv").openConnection();
        viewer.setReadTimeout(15_000);
        try (InputStream in = viewer.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            flv.next();
            publisher.process().destroyForcibly(); // SIGKILL: no FCUnpublish, the socket just dies
            assertTrue(publisher.process().waitFor(5, TimeUnit.SECONDS));
            Await.until("WAITING_PUBLISHER", Duration.ofSeconds(10),
                    () -> server.engine().streams().find(path).state() == StreamState.WAITING_PUBLISHER);
            assertEquals(1, server.engine().streams().find(path).subscriberCount(), "the viewer stays connected");
            long closedAt = System.nanoTime();
            int tags = 0;
            while (flv.next() != null) {
                tags++;
            }
            long waitedMs = (System.nanoTime() - closedAt) / 1_000_000;
            assertTrue(waitedMs >= 2_000 && waitedMs < 10_000, "closed after the 3 s PublishTimeout: " + waitedMs);
            assertTrue(tags < 1_000, "no new frames after the kill, only what was in flight: " + tags);
        }
        assertNull(server.engine().streams().find(path), "the stream is gone");
    }

    @Test
    void shouldDrainAndExitWithinSecondsOnSigterm() throws Exception {
        Ffmpeg.assumeInstalled();
        ChildServer server = ChildServer.with(TestConfig.loopback()).start();
        cleanup.add(server);
        int rtmpPort = server.rtmpPort();
        int httpPort = server.httpPort();
        Ffmpeg.FfmpegProcess publisher = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + rtmpPort
                + "/live/t", "640x360", 30, 60), "publisher");
        cleanup.add(publisher);
        HttpURLConnection viewer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (viewer == null) {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + httpPort + "/live/t.flv")
                    .openConnection();
            c.setReadTimeout(15_000);
            try {
                if (c.getResponseCode() == 200) {
                    viewer = c;
                    continue;
                }
            } catch (IOException notYet) {
                // server still starting
            }
            assertTrue(System.nanoTime() < deadline, "server and stream up within 30 s");
            Thread.sleep(100); // polling a separate process: no condition object to wait on
        }
        try (InputStream in = viewer.getInputStream()) {
            FlvStreamReader flv = new FlvStreamReader(in);
            flv.readHeader();
            flv.next();
            long signalled = System.nanoTime();
            server.process().destroy(); // SIGTERM
            assertTrue(server.process().waitFor(10, TimeUnit.SECONDS), "the server exits within seconds");
            long exitMs = (System.nanoTime() - signalled) / 1_000_000;
            // 143 = 128 + SIGTERM is how a JVM reports it even after its shutdown hooks ran; the log proves they did.
            assertEquals(143, server.process().exitValue());
            String output = server.logText();
            assertTrue(output.contains("[ringcast-shutdown] INFO io.ringcast.web.RingcastServer - stopped"), output);
            assertTrue(output.contains("stopped publishing live/t"), "the publisher was closed: " + output);
            while (flv.next() != null) {
                // frames in flight, then a clean end of stream (no reset, no truncated tag)
            }
            System.out.println("SIGTERM to exit: " + exitMs + " ms");
        }
        assertNotEquals(0, publisher.await(20), "the publisher saw its server go away");
    }
}
