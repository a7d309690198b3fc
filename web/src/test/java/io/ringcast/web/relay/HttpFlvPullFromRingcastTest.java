package io.ringcast.web.relay;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.testing.EnginePullTarget;
import io.ringcast.ingest.testing.RingContents;
import io.ringcast.ingest.upstream.HttpFlvPull;
import io.ringcast.ingest.upstream.UpstreamUrl;
import io.ringcast.web.RingcastServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Ringcast to ringcast over HTTP-FLV: ffmpeg publishes to a real ringcast server over RTMP, and the HTTP-FLV pull
 * client pulls {@code http://127.0.0.1:P/live/x.flv} into a second engine, as a relay on an edge would.
 */
@Timeout(90)
class HttpFlvPullFromRingcastTest {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldPullFramesAndIdenticalSequenceHeadersFromARingcastServer() throws Exception {
        Ffmpeg.assumeInstalled();
        RingcastServer origin = cleanup.add(RingcastServer.start(TestConfig.loopback().configFile(),
                OptionalInt.empty()));
        cleanup.add(Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + origin.pluginPort("rtmp") + "/live/x",
                "320x240", 25, 30), "publish-origin"));
        Await.until("the origin to receive video", STEP_TIMEOUT, () -> {
            Stream s = origin.engine().streams().find(StreamPath.parse("live/x"));
            return s != null && s.track(TrackKind.VIDEO) != null && s.track(TrackKind.VIDEO).framesPublished() > 0;
        });
        Engine edge = cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
        EnginePullTarget target = cleanup.add(new EnginePullTarget(edge, "live", "x"));
        HttpFlvPull pull = cleanup.add(new HttpFlvPull(
                UpstreamUrl.parse("http://127.0.0.1:" + origin.httpPort() + "/live/x.flv"), 2_000, 5_000,
                NanoClock.SYSTEM));

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                pull.run(target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Await.until("50 video and 50 audio frames at the edge", STEP_TIMEOUT, () -> {
            Stream s = target.stream();
            return s != null && s.track(TrackKind.VIDEO) != null && s.track(TrackKind.AUDIO) != null
                    && s.track(TrackKind.VIDEO).framesPublished() >= 50
                    && s.track(TrackKind.AUDIO).framesPublished() >= 50;
        }, () -> run.isDone() ? "pull ended: " + run : "");
        pull.close();
        ExecutionException ended = assertThrows(ExecutionException.class, () -> run.get(1, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, ended.getCause().getCause(), String.valueOf(ended.getCause()));

        Stream source = origin.engine().streams().find(StreamPath.parse("live/x"));
        Stream pulled = target.stream();
        TrackRing video = pulled.track(TrackKind.VIDEO);
        TrackRing audio = pulled.track(TrackKind.AUDIO);
        assertEquals(Codec.AVC, video.format().codec());
        assertEquals(320, video.format().width());
        assertEquals(240, video.format().height());
        assertEquals(Codec.AAC, audio.format().codec());
        assertEquals(44100, audio.format().sampleRateHz());
        assertEquals(2, audio.format().channels());
        byte[] videoHeader = RingContents.firstSequenceHeader(video);
        assertNotNull(videoHeader, "the pulled stream starts with the AVC sequence header");
        assertArrayEquals(RingContents.firstSequenceHeader(source.track(TrackKind.VIDEO)), videoHeader);
        assertArrayEquals(RingContents.firstSequenceHeader(source.track(TrackKind.AUDIO)),
                RingContents.firstSequenceHeader(audio));
        assertEquals(-1, RingContents.firstDecreasingTimestamp(video), "video timestamps non-decreasing");
        assertEquals(-1, RingContents.firstDecreasingTimestamp(audio), "audio timestamps non-decreasing");
        assertNotNull(pulled.metadata(), "onMetaData relayed");
        assertEquals(1, target.liveCalls());
    }
}
