package io.ringcast.perf.relay;

import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.ChildServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference's proxy over several origins: three ringcast origins on 127.0.0.2, .3 and .4, each publishing its
 * own {@code myapp/test} (told apart by picture size), and one proxy with {@code [origins] a b c}. {@code GET
 * /live?src=a&app=myapp&stream=test} must decode origin a's stream, and so on; an unknown origin or a port it may
 * not use is refused with 403, so the proxy never connects where a request tells it to.
 */
@Timeout(240)
class ProxyFormTest {
    private static final String[] SIZES = {"320x240", "352x288", "416x240"};
    private static final String[] NAMES = {"a", "b", "c"};
    private static final List<AutoCloseable> PEERS = new ArrayList<>();
    private static final ChildServer[] ORIGINS = new ChildServer[3];
    private static ChildServer proxy;

    @BeforeAll
    static void startOriginsAndProxy() throws Exception {
        Ffmpeg.assumeInstalled();
        StringBuilder origins = new StringBuilder("[origins]\n");
        for (int i = 0; i < ORIGINS.length; i++) {
            String host = "127.0.0." + (i + 2);
            ORIGINS[i] = peer(ChildServer.with(TestConfig.loopback().bindTo(host)).start());
            peer(Peers.publish("rtmp://" + host + ":" + ORIGINS[i].rtmpPort() + "/myapp/test", SIZES[i], 180));
            origins.append(NAMES[i]).append(" = \"rtmp://").append(host).append(':')
                    .append(ORIGINS[i].rtmpPort()).append("\"\n");
        }
        proxy = peer(ChildServer.with(TestConfig.loopback().toml(origins.toString())).start());
    }

    @AfterAll
    static void stopPeers() throws Exception {
        for (int i = PEERS.size() - 1; i >= 0; i--) {
            PEERS.get(i).close();
        }
    }

    @Test
    void shouldServeEachOriginsOwnStream() throws Exception {
        for (int i = 0; i < ORIGINS.length; i++) {
            Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + proxy.httpPort() + "/live?src=" + NAMES[i]
                    + "&app=myapp&stream=test", 30);
            String what = "src=" + NAMES[i] + ": " + probe.output();
            assertEquals(0, probe.exitCode(), what);
            assertEquals("h264", probe.get("video", "codec_name"), what);
            assertEquals(SIZES[i], probe.get("video", "width") + "x" + probe.get("video", "height"), what);
        }
    }

    @Test
    void shouldAcceptTheOriginsOwnPortAndRefuseAnyOther() throws Exception {
        Ffmpeg.Probe probe = Ffmpeg.probe("http://127.0.0.1:" + proxy.httpPort() + "/live?src=b&port="
                + ORIGINS[1].rtmpPort() + "&app=myapp&stream=test", 30);
        assertEquals(SIZES[1], probe.get("video", "width") + "x" + probe.get("video", "height"), probe.output());

        HttpResponse<String> otherPort = Peers.get("127.0.0.1", proxy.httpPort(), "/live?src=b&port="
                + ORIGINS[0].rtmpPort() + "&app=myapp&stream=test");
        assertEquals(403, otherPort.statusCode(), otherPort.body());
        assertTrue(otherPort.body().contains(String.valueOf(ORIGINS[0].rtmpPort())), otherPort.body());
    }

    @Test
    void shouldRefuseAnUnknownOriginWith403() throws Exception {
        HttpResponse<String> unknown = Peers.get("127.0.0.1", proxy.httpPort(),
                "/live?src=evil.example.org&app=myapp&stream=test");
        assertEquals(403, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("evil.example.org"), unknown.body());
    }

    private static <T extends AutoCloseable> T peer(T peer) {
        PEERS.add(peer);
        return peer;
    }
}
