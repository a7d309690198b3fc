package io.ringcast.perf.relay;

import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.CloseAfterEach;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.NginxRtmp;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.ChildServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Relays between real servers on loopback, each its own process: nginx-rtmp as origin (ringcast pulls it on
 * demand), as push target (ringcast pushes to it) and as pusher (the reference's scheme two: nginx-rtmp pushes to
 * ringcast); ringcast pulling ringcast over HTTP-FLV and over RTMP. ffmpeg publishes, ffprobe decodes what comes out.
 */
@Timeout(180)
class RelayInteropTest {
    private static final String SIZE = "320x240";
    @RegisterExtension
    final CloseAfterEach peers = new CloseAfterEach();

    @BeforeAll
    static void tools() {
        Ffmpeg.assumeInstalled();
        NginxRtmp.requireInstalled();
    }


    @Test
    void shouldPullFromNginxRtmpOnDemandAndServeHttpFlvRtmpAndHls() throws Exception {
        NginxRtmp origin = peers.add(NginxRtmp.builder().address("127.0.0.2").application("live").start());
        peers.add(Peers.publish(origin.rtmpUrl("live", "cam"), SIZE, 120));
        Await.until("nginx has the published stream", Duration.ofSeconds(20), () -> publishing(origin, "cam"));
        ChildServer edge = peers.add(ChildServer.with(TestConfig.loopback()
                .toml("[hls]\nsegment_duration_ms = 1000\n")
                .arrayTables(pullRule("live/*", origin.rtmpUrl("live") + "/{name}"))).start());
        assertEquals(0, origin.stat().stream("live", "cam").players(), "no viewer, no pull: " + origin.statXml());

        assertDecodes(Ffmpeg.probe("http://127.0.0.1:" + edge.httpPort() + "/live/cam.flv", 30), "HTTP-FLV");
        assertEquals(1, origin.stat().stream("live", "cam").players(), "one pull: " + origin.statXml());
        assertDecodes(Ffmpeg.probe("rtmp://127.0.0.1:" + edge.rtmpPort() + "/live/cam", 30), "RTMP");
        assertDecodes(Ffmpeg.probe("http://127.0.0.1:" + edge.httpPort() + "/live/cam.m3u8", 30), "HLS");
    }

    @Test
    void shouldPushToNginxRtmpSoThatFfprobeDecodesNginxsCopy() throws Exception {
        NginxRtmp target = peers.add(NginxRtmp.builder().address("127.0.0.2").application("myapp").start());
        ChildServer origin = peers.add(ChildServer.with(TestConfig.loopback()
                .arrayTables(pushRule("live/*", target.rtmpUrl("myapp") + "/{name}"))).start());
        peers.add(Peers.publish("rtmp://127.0.0.1:" + origin.rtmpPort() + "/live/cam", SIZE, 120));
        Await.until("the push reaches nginx", Duration.ofSeconds(20), () -> publishing(target, "myapp", "cam"));

        assertDecodes(Ffmpeg.probe(target.rtmpUrl("myapp", "cam"), 30), "nginx's copy of the push");
    }

    @Test
    void shouldServeOverHttpFlvWhatNginxRtmpPushesToIt() throws Exception {
        ChildServer proxy = peers.add(ChildServer.with(TestConfig.loopback()).start());
        NginxRtmp origin = peers.add(NginxRtmp.builder().address("127.0.0.2")
                .application("live", "push rtmp://127.0.0.1:" + proxy.rtmpPort() + "/myapp;").start());
        peers.add(Peers.publish(origin.rtmpUrl("live", "cam"), SIZE, 120));
        Await.until("nginx's push arrives", Duration.ofSeconds(20),
                () -> Peers.answersOk("127.0.0.1", proxy.httpPort(), "/api/streams/myapp/cam"));

        assertDecodes(Ffmpeg.probe("http://127.0.0.1:" + proxy.httpPort() + "/myapp/cam.flv", 30),
                "HTTP-FLV of nginx's push");
    }

    @Test
    void shouldPullFromRingcastOverHttpFlvAndOverRtmp() throws Exception {
        ChildServer origin = peers.add(ChildServer.with(TestConfig.loopback().bindTo("127.0.0.2")).start());
        peers.add(Peers.publish("rtmp://127.0.0.2:" + origin.rtmpPort() + "/live/cam", SIZE, 120));
        ChildServer edge = peers.add(ChildServer.with(TestConfig.loopback().arrayTables(
                pullRule("flv/*", "http://127.0.0.2:" + origin.httpPort() + "/live/{name}.flv")
                        + pullRule("rtmp/*", "rtmp://127.0.0.2:" + origin.rtmpPort() + "/live/{name}"))).start());

        assertDecodes(Ffmpeg.probe("http://127.0.0.1:" + edge.httpPort() + "/flv/cam.flv", 30), "pulled over HTTP-FLV");
        assertDecodes(Ffmpeg.probe("http://127.0.0.1:" + edge.httpPort() + "/rtmp/cam.flv", 30), "pulled over RTMP");
    }

    static String pullRule(String match, String... from) {
        return "[[pull]]\nmatch = \"" + match + "\"\nfrom = [" + quoted(from) + "]\non_demand = true\n";
    }

    static String pushRule(String match, String... to) {
        return "[[push]]\nmatch = \"" + match + "\"\nto = [" + quoted(to) + "]\n";
    }

    private static String quoted(String... urls) {
        return String.join(", ", java.util.Arrays.stream(urls).map(u -> "\"" + u + "\"").toList());
    }

    static void assertDecodes(Ffmpeg.Probe probe, String what) {
        assertEquals(0, probe.exitCode(), what + ": " + probe.output());
        assertEquals("h264", probe.get("video", "codec_name"), what + ": " + probe.output());
        assertEquals("320", probe.get("video", "width"), what + ": " + probe.output());
        assertEquals("240", probe.get("video", "height"), what + ": " + probe.output());
        assertEquals("aac", probe.get("audio", "codec_name"), what + ": " + probe.output());
    }

    private static boolean publishing(NginxRtmp nginx, String stream) {
        return publishing(nginx, "live", stream);
    }

    private static boolean publishing(NginxRtmp nginx, String app, String stream) {
        NginxRtmp.StreamStat stat = nginx.streamOrNull(app, stream);
        return stat != null && stat.publishing();
    }
}
