package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.testing.EnginePullTarget;
import io.ringcast.ingest.testing.RingContents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.ringcast.ingest.upstream.FakeHttpUpstream.writeChunked;
import static io.ringcast.ingest.upstream.FakeHttpUpstream.writeText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP-FLV pull client against a fake HTTP upstream on loopback serving an FLV file made by ffmpeg. */
@Timeout(60)
class HttpFlvPullTest {
    private static final int IDENTITY_UNTIL_CLOSE = -2;
    private static final int IDENTITY_WITH_LENGTH = -1;
    private static SampleFlv sample;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine engine;
    private EnginePullTarget target;
    private final CountDownLatch stallReleased = new CountDownLatch(1);

    @BeforeAll
    static void makeSample(@TempDir Path folder) throws Exception {
        sample = SampleFlv.make(folder, 2);
    }

    @BeforeEach
    void startEngine() {
        engine = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        target = cleanup.add(new EnginePullTarget(engine, "live", "x"));
    }

    private HttpFlvPull pull(FakeHttpUpstream upstream, int readTimeoutMs) {
        return cleanup.add(new HttpFlvPull(UpstreamUrl.parse(upstream.url("/live/x.flv")), 2_000, readTimeoutMs,
                NanoClock.SYSTEM));
    }

    private FakeHttpUpstream serve(FakeHttpUpstream.Responder responder) throws IOException {
        return cleanup.add(new FakeHttpUpstream(responder));
    }

    /** Body framing: identity until close, identity with Content-Length, or chunked in pieces of that many bytes. */
    @ParameterizedTest(name = "framing {0}")
    @ValueSource(ints = {IDENTITY_UNTIL_CLOSE, IDENTITY_WITH_LENGTH, 1, 7, 4096})
    void shouldPublishEveryFrameOfTheFileWithIdenticalSequenceHeaders(int framing) throws Exception {
        byte[] flv = sample.bytes();
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\n");
            if (framing == IDENTITY_UNTIL_CLOSE) {
                writeText(out, "Connection: close\r\n\r\n");
                out.write(flv);
            } else if (framing == IDENTITY_WITH_LENGTH) {
                writeText(out, "Content-Length: " + flv.length + "\r\n\r\n");
                out.write(flv);
            } else {
                writeText(out, "Transfer-Encoding: chunked\r\n\r\n");
                writeChunked(out, flv, framing);
            }
        });

        pull(upstream, 5_000).run(target);

        Stream stream = target.stream();
        assertNotNull(stream, "live() published the stream");
        assertEquals(1, target.liveCalls());
        TrackRing video = stream.track(TrackKind.VIDEO);
        TrackRing audio = stream.track(TrackKind.AUDIO);
        assertEquals(sample.videoTags(), video.framesPublished(), "every video tag of the file is a frame");
        assertEquals(sample.audioTags(), audio.framesPublished(), "every audio tag of the file is a frame");
        assertArrayEquals(sample.videoSequenceHeader(), RingContents.firstSequenceHeader(video));
        assertArrayEquals(sample.audioSequenceHeader(), RingContents.firstSequenceHeader(audio));
        assertEquals(-1, RingContents.firstDecreasingTimestamp(video), "video timestamps non-decreasing");
        assertEquals(-1, RingContents.firstDecreasingTimestamp(audio), "audio timestamps non-decreasing");
        assertNotNull(stream.metadata(), "onMetaData reached the stream");
        assertEquals(320, video.format().width());
        assertEquals(240, video.format().height());
        String request = upstream.request();
        assertTrue(request.startsWith("GET /live/x.flv HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nHost: 127.0.0.1:" + upstream.port() + "\r\n"), request);
        assertTrue(request.contains("\r\nConnection: close\r\n"), request);
        assertTrue(request.contains("\r\nUser-Agent: "), request);
        assertTrue(target.bytesRead() > flv.length, "every byte read is counted, head included: "
                + target.bytesRead());
    }

    @Test
    void shouldReportARefusedConnectionWithTheMaskedUrl() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        HttpFlvPull pull = cleanup.add(new HttpFlvPull(
                UpstreamUrl.parse("http://u:pw@127.0.0.1:" + port + "/live/x.flv?token=t0k"), 2_000, 5_000,
                NanoClock.SYSTEM));

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));

        String masked = "http://***@127.0.0.1:" + port + "/live/x.flv?token=***";
        assertTrue(e.getMessage().startsWith("connect to " + masked + " refused"), e.getMessage());
        assertEquals(0, target.liveCalls());
    }

    @Test
    void shouldRefuseA404WithTheStatus() throws Exception {
        FakeHttpUpstream upstream = serve(out -> writeText(out,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"));

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertEquals("upstream answered 404 Not Found", e.getMessage());
        assertEquals(0, target.liveCalls(), "nothing published");
    }

    @Test
    void shouldRefuseARedirectAndMaskItsLocation() throws Exception {
        String location = "http://admin:hunter2@10.9.9.9:8080/live/x.flv?token=s3cret&x=1";
        FakeHttpUpstream upstream = serve(out -> writeText(out,
                "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n"));

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertTrue(e.getMessage().contains("302"), e.getMessage());
        assertTrue(e.getMessage().contains("redirects are not followed"), e.getMessage());
        assertTrue(e.getMessage().contains("10.9.9.9:8080/live/x.flv"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertEquals(0, target.liveCalls());
    }

    @Test
    void shouldRefuseAResponseHeaderLargerThan16KB() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 200; i++) {
                writeText(out, "X-Padding-" + i + ": " + "a".repeat(100) + "\r\n");
            }
            writeText(out, "\r\n");
            out.write(sample.bytes());
        });

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertEquals("response header larger than 16 KB", e.getMessage());
        assertEquals(0, target.liveCalls());
    }

    @Test
    void shouldNameGarbageAfterTheFlvHeader() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] body = new byte[13 + 40];
            System.arraycopy(sample.prefix(13), 0, body, 0, 13);
            for (int i = 13; i < body.length; i++) {
                body[i] = (byte) 0x41;
            }
            writeChunked(out, body, 7);
        });

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertEquals("unknown FLV tag type 0x41 at FLV byte 13", e.getMessage());
    }

    @Test
    void shouldNameAMalformedChunkSizeLine() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            writeText(out, "d\r\n");
            out.write(sample.prefix(13));
            writeText(out, "\r\nzz\r\n");
        });

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertEquals("malformed chunk-size line at body byte 13", e.getMessage());
    }

    @Test
    void shouldFailWhenTheBodyEndsInsideATag() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\n\r\n");
            out.write(sample.prefix(13 + 11 + 5));
        });

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull(upstream, 5_000).run(target));

        assertTrue(e.getMessage().startsWith("upstream ended the stream inside the script tag body"),
                e.getMessage());
    }

    @Test
    void shouldTimeOutWhenTheUpstreamStalls() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            writeText(out, "d\r\n");
            out.write(sample.prefix(13));
            writeText(out, "\r\n");
            out.flush();
            upstreamStall();
        });
        HttpFlvPull pull = pull(upstream, 300);
        long startNs = System.nanoTime();

        UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertEquals("upstream sent nothing for 300 ms", e.getMessage());
        assertTrue(elapsedMs >= 300 && elapsedMs < 3_000, "timed out after " + elapsedMs + " ms");
    }

    @Test
    void shouldEndRunWithinOneSecondWhenClosedFromAnotherThread() throws Exception {
        FakeHttpUpstream upstream = serve(out -> {
            writeText(out, "HTTP/1.1 200 OK\r\n\r\n");
            out.write(sample.prefix(sample.bytes().length / 2));
            out.flush();
            upstreamStall();
        });
        HttpFlvPull pull = pull(upstream, 30_000);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                pull.run(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Await.until("frames from the first half", Duration.ofSeconds(10),
                () -> target.stream() != null && target.stream().track(TrackKind.VIDEO) != null
                        && target.stream().track(TrackKind.VIDEO).framesPublished() > 5);
        long startNs = System.nanoTime();

        pull.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(1, TimeUnit.SECONDS));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        assertTrue(elapsedMs < 1_000, "run ended " + elapsedMs + " ms after close");
        assertInstanceOf(IOException.class, e.getCause().getCause(), String.valueOf(e.getCause()));
    }

    /** Keeps the fake upstream's connection open, sending nothing, until the test ends. */
    private void upstreamStall() throws InterruptedException {
        stallReleased.await(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void releaseStalls() {
        stallReleased.countDown();
    }
}
