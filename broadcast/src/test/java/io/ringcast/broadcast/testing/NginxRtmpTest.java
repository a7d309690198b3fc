package io.ringcast.broadcast.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The nginx-rtmp fixture against real nginx, ffmpeg and ffprobe processes. */
@Timeout(60)
class NginxRtmpTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();

    @Test
    void shouldServeWhatFfmpegPublishesAndReportItInStat() throws Exception {
        Ffmpeg.assumeInstalled();
        NginxRtmp nginx = cleanup.add(NginxRtmp.builder().application("live").application("other").start());
        Ffmpeg.FfmpegProcess publisher = cleanup.add(Ffmpeg.start(
                Ffmpeg.publishArgs(nginx.rtmpUrl("live", "x"), "320x240", 25, 30), "publish-nginx"));

        Await.until("nginx to list live/x as publishing", Duration.ofSeconds(10), () -> {
            NginxRtmp.StreamStat s = nginx.streamOrNull("live", "x");
            return s != null && s.publishing() && s.bytesIn() > 0;
        }, () -> nginx.statXml() + "\n" + publisher.output());
        NginxRtmp.Stat stat = nginx.stat();
        assertEquals(1, stat.publishingStreams(), stat.toString());
        assertEquals(1, stat.connections(), "only the publisher is connected: " + stat);
        assertNotNull(stat.application("other"), stat.toString());
        assertEquals(0, stat.application("other").streams().size(), stat.toString());

        Ffmpeg.Probe probe = Ffmpeg.probe(nginx.rtmpUrl("live", "x"), 20);
        assertEquals(0, probe.exitCode(), probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), probe.output());
        assertEquals("320", probe.get("video", "width"), probe.output());
        assertEquals("240", probe.get("video", "height"), probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), probe.output());
    }

    @Test
    void shouldLeaveNoProcessAndNoFolderAfterClose() {
        NginxRtmp nginx = NginxRtmp.builder().address("127.0.0.2").application("live", "idle_streams off;").start();
        ProcessHandle handle = ProcessHandle.of(nginx.pid()).orElseThrow();
        Path folder = Path.of(nginx.config().lines().filter(l -> l.startsWith("pid "))
                .findFirst().orElseThrow().substring(4).replace("/nginx.pid;", ""));
        assertTrue(nginx.config().contains("listen 127.0.0.2:" + nginx.rtmpPort() + ";"), nginx.config());
        assertTrue(nginx.config().contains("idle_streams off;"), nginx.config());

        nginx.close();

        assertFalse(handle.isAlive(), "nginx still running after close");
        assertFalse(Files.exists(folder), "folder left: " + folder);
        nginx.close();
    }

    @Test
    void shouldRestartOnTheSamePortsAfterKill9() {
        NginxRtmp nginx = cleanup.add(NginxRtmp.builder().application("live").start());
        int rtmp = nginx.rtmpPort();
        int http = nginx.httpPort();
        long firstPid = nginx.pid();

        nginx.kill9();
        assertFalse(nginx.isAlive());
        nginx.restart();

        assertTrue(nginx.isAlive());
        assertTrue(nginx.pid() != firstPid);
        assertEquals(rtmp, nginx.rtmpPort());
        assertEquals(http, nginx.httpPort());
        assertEquals(0, nginx.stat().connections(), nginx.statXml());
    }
}
