package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.subscribe.Subscription;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RtmpPush from engine A (ffmpeg publishing) to ringcast RTMP server B, directly or through a pausing proxy. */
@Timeout(120)
class RtmpPushTest {
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 5_000;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private Engine a;
    private Engine b;
    private RtmpServer serverB;
    private Stream source;
    private final CompletableFuture<String> dropped = new CompletableFuture<>();

    private Engine engine() {
        return cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
    }

    /** Engine A with ffmpeg publishing live/src, engine B with its RTMP server (the push target). */
    private void start(String bitrate) throws IOException {
        Ffmpeg.assumeInstalled();
        a = engine();
        RtmpServer serverA = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), a));
        b = engine();
        serverB = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), b));
        cleanup.add(Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + serverA.localAddress().getPort()
                + "/live/src", "640x360", 30, 40, bitrate), "publish"));
        StreamPath path = new StreamPath("live", "src");
        Await.until("a keyframe of live/src on A", Duration.ofSeconds(20), () -> {
            Stream s = a.streams().find(path);
            return s != null && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });
        source = a.streams().find(path);
    }

    /** Connects a push of live/src to {@code url} and feeds it from A's fan-out. */
    private RtmpPushSink push(String url, int maxPendingBytes) throws IOException {
        RtmpPush push = cleanup.add(new RtmpPush(UpstreamUrl.parse(url), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS,
                a.clock(), maxPendingBytes));
        RtmpPushSink sink = push.connect(dropped::complete);
        Subscription subscription = sink.subscribe(source, a.rings());
        assertTrue(a.fanout().add(subscription));
        return sink;
    }

    private String urlB(String name) {
        return "rtmp://127.0.0.1:" + serverB.localAddress().getPort() + "/live/" + name;
    }

    private Stream awaitFramesOnB(String name, long videoFrames, RtmpPushSink sink) {
        StreamPath path = new StreamPath("live", name);
        Await.until(videoFrames + " video frames of " + path + " on B", Duration.ofSeconds(20), () -> {
            Stream s = b.streams().find(path);
            return s != null && s.track(TrackKind.VIDEO) != null
                    && s.track(TrackKind.VIDEO).framesPublished() >= videoFrames;
        }, () -> "sent " + sink.framesSent() + ", dropped: " + dropped.getNow(null));
        return b.streams().find(path);
    }

    @Test
    void shouldPushMetadataSequenceHeadersAndFramesThatFfprobeDecodesOnTheTarget() throws Exception {
        start("1500k");
        RtmpPushSink sink = push(urlB("copy"), RtmpPush.DEFAULT_MAX_PENDING_BYTES);
        Stream copy = awaitFramesOnB("copy", 10, sink);
        RecordingSink viewer = new RecordingSink();
        assertTrue(b.fanout().add(new Subscription(copy, "test", viewer, b.rings())));
        Await.until("2 s of pushed video", Duration.ofSeconds(20), () -> viewer.count(TrackKind.VIDEO) >= 60);

        assertArrayEquals(source.track(TrackKind.VIDEO).format().sequenceHeader(),
                copy.track(TrackKind.VIDEO).format().sequenceHeader(), "AVC sequence header byte for byte");
        assertArrayEquals(source.track(TrackKind.AUDIO).format().sequenceHeader(),
                copy.track(TrackKind.AUDIO).format().sequenceHeader(), "AAC sequence header byte for byte");
        assertNotNull(copy.metadata(), "metadata pushed");
        assertArrayEquals(RtmpPullTest.ON_METADATA,
                Arrays.copyOf(copy.metadata(), RtmpPullTest.ON_METADATA.length));
        List<Long> timestamps = viewer.videoTimestamps();
        for (int i = 1; i < timestamps.size(); i++) {
            assertTrue(timestamps.get(i) >= timestamps.get(i - 1), "video timestamps non-decreasing at " + i);
        }
        assertTrue(viewer.keyframes() > 0);
        assertTrue(viewer.count(TrackKind.AUDIO) > 60, "audio frames: " + viewer.count(TrackKind.AUDIO));

        Ffmpeg.Probe probe = Ffmpeg.probe(urlB("copy"), 20);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"));
        assertEquals("360", probe.get("video", "height"));
        assertEquals("aac", probe.get("audio", "codec_name"));
        assertTrue(sink.framesSent() > 90, "frames sent: " + sink.framesSent());
        assertTrue(sink.bytesWritten() > 100_000, "bytes written: " + sink.bytesWritten());
        assertEquals(0, sink.skips());
        assertFalse(dropped.isDone(), "no drop: " + dropped.getNow(null));
        System.out.println("pushed to ringcast: " + sink.framesSent() + " frames, " + sink.bytesWritten()
                + " bytes, " + sink.skips() + " skips");
    }

    @Test
    void shouldRefuseWithTheTargetsCodeWhenTheNameIsAlreadyPublished() throws Exception {
        start("1500k");
        push(urlB("copy"), RtmpPush.DEFAULT_MAX_PENDING_BYTES);
        RtmpPush second = cleanup.add(new RtmpPush(UpstreamUrl.parse(urlB("copy")), CONNECT_TIMEOUT_MS,
                READ_TIMEOUT_MS, a.clock()));

        UpstreamException e = assertThrows(UpstreamException.class, () -> second.connect(dropped::complete));

        assertTrue(e.getMessage().contains("NetStream.Publish.BadName"), e.getMessage());
    }

    @Test
    void shouldTellTheListenerWithTheReasonWhenTheTargetDrops() throws Exception {
        start("1500k");
        RtmpPushSink sink = push(urlB("copy"), RtmpPush.DEFAULT_MAX_PENDING_BYTES);
        awaitFramesOnB("copy", 10, sink);

        serverB.close();
        String reason = dropped.get(10, TimeUnit.SECONDS);

        System.out.println("push dropped: " + reason);
        assertTrue(reason.contains("target closed the connection") || reason.contains("write to target failed"),
                reason);
        assertNotNull(sink.closeReason());
    }

    @Test
    void shouldSkipToKeyframesWithoutSlowingThePublisherWhenTheTargetStopsReading() throws Exception {
        start("4000k");
        int maxPendingBytes = 1 << 20;
        PausingProxy proxy = cleanup.add(new PausingProxy(serverB.localAddress()));
        RtmpPushSink sink = push("rtmp://127.0.0.1:" + proxy.port() + "/live/copy", maxPendingBytes);
        Stream copy = awaitFramesOnB("copy", 10, sink);

        proxy.pause();
        AtomicLong maxPending = new AtomicLong();
        long publishedBefore = source.track(TrackKind.VIDEO).framesPublished();
        long pauseStartNs = System.nanoTime();
        // 2.5 s of 30 fps video published while the target reads nothing (below the 5 s disconnect lag).
        Await.until("75 frames published during the pause", Duration.ofSeconds(10), () -> {
            maxPending.accumulateAndGet(sink.pendingBytes(), Math::max);
            return source.track(TrackKind.VIDEO).framesPublished() >= publishedBefore + 75;
        });
        long pausedMs = (System.nanoTime() - pauseStartNs) / 1_000_000;
        long sentDuringPause = sink.framesSent();
        proxy.resume();
        long copiedAtResume = copy.track(TrackKind.VIDEO).framesPublished();
        Await.until("a skip to a keyframe after the target read again", Duration.ofSeconds(10), () -> {
            maxPending.accumulateAndGet(sink.pendingBytes(), Math::max);
            return sink.skips() > 0;
        }, () -> "pending " + sink.pendingBytes() + ", max pending " + maxPending.get() + ", paused " + pausedMs
                + " ms, dropped: " + dropped.getNow(null));
        Await.until("frames reach B again", Duration.ofSeconds(10),
                () -> copy.track(TrackKind.VIDEO).framesPublished() > copiedAtResume + 30);

        System.out.println("slow target: 75 frames published in " + pausedMs + " ms while paused, max pending "
                + maxPending.get() + " of " + maxPendingBytes + " bytes, skips " + sink.skips()
                + ", frames sent " + sink.framesSent() + " (" + sentDuringPause + " at resume), stream skipped "
                + source.framesSkipped());
        assertTrue(pausedMs < 3_300, "publisher unslowed: 75 frames at 30 fps took " + pausedMs + " ms");
        assertTrue(maxPending.get() > 0, "the target's stop was felt: bytes pending");
        assertTrue(maxPending.get() <= maxPendingBytes, "pending bytes bounded: " + maxPending.get());
        assertTrue(sink.skips() > 0);
        assertTrue(source.framesSkipped() > 0, "skipped frames counted on the stream");
        assertNull(sink.closeReason(), "still connected");
        assertFalse(dropped.isDone(), "no drop: " + dropped.getNow(null));
    }
}
