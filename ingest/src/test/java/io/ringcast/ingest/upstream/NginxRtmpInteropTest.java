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
import io.ringcast.broadcast.testing.NginxRtmp;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.ingest.testing.TestRtmpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RTMP upstream clients against a real nginx-rtmp (Debian's nginx with libnginx-mod-rtmp), on loopback. */
@Timeout(120)
class NginxRtmpInteropTest {
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    private Engine engine() {
        return cleanup.add(new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, NanoClock.SYSTEM, 1).start());
    }

    private NginxRtmp nginx() {
        Ffmpeg.assumeInstalled();
        NginxRtmp.requireInstalled();
        return cleanup.add(NginxRtmp.builder().application("live").start());
    }

    @Test
    void shouldPullWhatFfmpegPublishesToNginxRtmpUntilItsPublisherLeaves() throws Exception {
        NginxRtmp nginx = nginx();
        Ffmpeg.FfmpegProcess publisher = cleanup.add(Ffmpeg.start(
                Ffmpeg.publishArgs(nginx.rtmpUrl("live", "src"), "640x360", 30, 30), "publish-nginx"));
        Await.until("nginx to list live/src as publishing", Duration.ofSeconds(10), () -> {
            NginxRtmp.StreamStat s = nginx.streamOrNull("live", "src");
            return s != null && s.publishing() && s.bytesIn() > 0;
        }, () -> publisher.output());
        Engine edge = engine();
        EngineTarget target = new EngineTarget(edge, "live", "copy");
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse(nginx.rtmpUrl("live", "src")), CONNECT_TIMEOUT_MS, 5_000,
                edge.clock());
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                pull.run(target);
                ended.complete(null);
            } catch (Throwable t) {
                ended.complete(t);
            }
        }, "pull-nginx");
        thread.start();
        cleanup.add(() -> {
            pull.close();
            thread.join(5_000);
        });

        StreamPath copyPath = new StreamPath("live", "copy");
        Await.until("a keyframe pulled from nginx", Duration.ofSeconds(15), () -> {
            Stream s = edge.streams().find(copyPath);
            return s != null && s.track(TrackKind.VIDEO) != null
                    && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        }, () -> "ended: " + ended.getNow(null) + "\n" + nginx.errorLog());
        Stream copy = edge.streams().find(copyPath);
        RecordingSink viewer = new RecordingSink();
        assertTrue(edge.fanout().add(new Subscription(copy, "test", viewer, edge.rings())));
        Await.until("3 s of video pulled from nginx", Duration.ofSeconds(20),
                () -> viewer.count(TrackKind.VIDEO) >= 90, () -> "ended: " + ended.getNow(null));

        TrackFormat video = copy.track(TrackKind.VIDEO).format();
        TrackFormat audio = copy.track(TrackKind.AUDIO).format();
        assertEquals(Codec.AVC, video.codec());
        assertTrue(video.hasSequenceHeader(), "AVC sequence header pulled");
        assertEquals(640, video.width());
        assertEquals(360, video.height());
        assertEquals(Codec.AAC, audio.codec());
        assertTrue(audio.hasSequenceHeader(), "AAC sequence header pulled");
        List<Long> timestamps = viewer.videoTimestamps();
        for (int i = 1; i < timestamps.size(); i++) {
            assertTrue(timestamps.get(i) >= timestamps.get(i - 1), "video timestamps non-decreasing at " + i);
        }
        assertTrue(viewer.keyframes() > 0);
        assertTrue(viewer.count(TrackKind.AUDIO) > 100, "audio frames: " + viewer.count(TrackKind.AUDIO));
        assertNotNull(copy.metadata(), "onMetaData pulled from nginx");
        assertArrayEquals(RtmpPullTest.ON_METADATA, Arrays.copyOf(copy.metadata(), RtmpPullTest.ON_METADATA.length));
        assertEquals(1, nginx.stat().stream("live", "src").players(), "the pull plays on nginx");
        System.out.println("pulled from nginx-rtmp: " + viewer.count(TrackKind.VIDEO) + " video, "
                + viewer.count(TrackKind.AUDIO) + " audio frames, " + target.bytes.get() + " bytes");
        assertFalse(ended.isDone(), "pull still running: " + ended.getNow(null));

        publisher.close(); // nginx tells its players NetStream.Play.UnpublishNotify
        assertNull(ended.get(10, TimeUnit.SECONDS), "run() returned normally when the upstream stream ended");
    }

    @Test
    void shouldTimeOutWhenNginxAnswersPlayStartForAStreamNobodyPublishes() throws Exception {
        NginxRtmp nginx = nginx();
        Engine edge = engine();
        EngineTarget target = new EngineTarget(edge, "live", "copy");
        RtmpPull pull = new RtmpPull(UpstreamUrl.parse(nginx.rtmpUrl("live", "nobody")), CONNECT_TIMEOUT_MS, 1_000,
                edge.clock());

        long startNs = System.nanoTime();
        UpstreamException e = assertThrows(UpstreamException.class, () -> pull.run(target));
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        assertEquals("no data from upstream for 1000 ms", e.getMessage());
        assertTrue(elapsedMs < 3_000, "failed after " + elapsedMs + " ms");
        assertEquals(0, target.liveCalls.get(), "Play.Start alone does not make the pull live");
    }

    @Test
    void shouldPushToNginxRtmpSoThatFfmpegDecodesNginxsCopy() throws Exception {
        NginxRtmp nginx = nginx();
        Engine a = engine();
        RtmpServer serverA = cleanup.add(TestRtmpServer.start(TestRtmpServer.smallServer(), a));
        cleanup.add(Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + serverA.localAddress().getPort()
                + "/live/src", "640x360", 30, 40), "publish"));
        StreamPath path = new StreamPath("live", "src");
        Await.until("a keyframe of live/src on A", Duration.ofSeconds(20), () -> {
            Stream s = a.streams().find(path);
            return s != null && s.track(TrackKind.VIDEO).newestKeyframeSequence() >= 0;
        });
        CompletableFuture<String> dropped = new CompletableFuture<>();
        RtmpPush push = cleanup.add(new RtmpPush(UpstreamUrl.parse(nginx.rtmpUrl("live", "copy")),
                CONNECT_TIMEOUT_MS, 5_000, a.clock()));
        RtmpPushSink sink = push.connect(dropped::complete);
        assertTrue(a.fanout().add(sink.subscribe(a.streams().find(path), a.rings())));
        Await.until("nginx to list live/copy as publishing", Duration.ofSeconds(10), () -> {
            NginxRtmp.StreamStat s = nginx.streamOrNull("live", "copy");
            return s != null && s.publishing() && s.bytesIn() > 0;
        }, () -> "dropped: " + dropped.getNow(null) + "\n" + nginx.errorLog());

        Ffmpeg.Probe probe = Ffmpeg.probe(nginx.rtmpUrl("live", "copy"), 20);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("640", probe.get("video", "width"), probe.output());
        assertEquals("360", probe.get("video", "height"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), probe.output());

        Path crc = Files.createTempFile("ringcast-nginx-push-", ".crc");
        crc.toFile().deleteOnExit();
        Ffmpeg.FfmpegProcess player = cleanup.add(Ffmpeg.start(List.of(Ffmpeg.FFMPEG, "-hide_banner", "-nostats",
                "-v", "error", "-i", nginx.rtmpUrl("live", "copy"), "-t", "3", "-f", "framecrc", "-y",
                crc.toString()), "play-nginx"));
        assertEquals(0, player.await(30), player.output());
        long videoFrames = Files.readAllLines(crc).stream().filter(l -> l.startsWith("0,")).count();
        long audioFrames = Files.readAllLines(crc).stream().filter(l -> l.startsWith("1,")).count();
        System.out.println("ffmpeg decoded nginx's copy of the push: " + videoFrames + " video, " + audioFrames
                + " audio frames; push sent " + sink.framesSent() + " frames, " + sink.bytesWritten() + " bytes");
        assertTrue(videoFrames > 0, "decoded video frames: " + videoFrames);
        assertTrue(audioFrames > 0, "decoded audio frames: " + audioFrames);
        assertFalse(dropped.isDone(), "push not dropped: " + dropped.getNow(null));
    }
}
