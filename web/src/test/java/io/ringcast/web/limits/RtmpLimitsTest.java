package io.ringcast.web.limits;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.ingest.testing.RawRtmpClient;
import io.ringcast.ingest.testing.SampleMedia;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.FlvStreamReader;
import io.ringcast.web.testing.Http;
import io.ringcast.ingest.server.RtmpServer;
import io.ringcast.web.testing.LoopbackServer;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The RTMP listener's limits hit by raw clients (and ffmpeg) on loopback: each refusal is clean (the reason told
 * where the protocol allows it, the connection closed, nothing served), counted in {@code GET /api/server}, and
 * the server publishes and plays afterwards.
 */
@Timeout(60)
class RtmpLimitsTest {
    private static final int HANDSHAKE_PACKET_BYTES = 1536;
    private static final int RTMP_VERSION = 3;
    private static final int CLOSE_WAIT_MS = 10_000;

    private LoopbackServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldCloseAPeerAnnouncingAMessageAboveMaxMessageBytesAndAcceptOneOfExactlyTheLimit() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                max_message_bytes = 65536
                """);
        try (RawRtmpClient peer = new RawRtmpClient(server.rtmpPort(), 0)) {
            assertEquals("NetStream.Publish.Start", peer.publish("live", "big").statusCode());
            peer.sendVideoMessageHeader(65_537);
            assertTrue(peer.isClosedByServer(CLOSE_WAIT_MS), "closed on the message header");
        }
        server.awaitCounter("rtmp.closed.protocol_violation", 1, ServerHealth.WAIT);
        Await.until("live/big to wait for its publisher", ServerHealth.WAIT,
                () -> "WAITING_PUBLISHER".equals(state("live/big")));

        ServerHealth.assertPublishAndPlayWork(server, "next", 0, 65_536);
        assertEquals(1, server.counter("rtmp.closed.protocol_violation"));
    }

    @Test
    void shouldCloseAPeerSettingAChunkSizeAboveMaxChunkSizeAndAcceptExactlyTheLimit() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                max_chunk_size = 65536
                """);
        try (RawRtmpClient peer = new RawRtmpClient(server.rtmpPort(), 0)) {
            peer.connect("live");
            peer.setChunkSize(65_537);
            assertTrue(peer.isClosedByServer(CLOSE_WAIT_MS), "closed on Set Chunk Size");
        }
        server.awaitCounter("rtmp.closed.protocol_violation", 1, ServerHealth.WAIT);

        ServerHealth.assertPublishAndPlayWork(server, "next", 65_536, 100_000);
        assertEquals(1, server.counter("rtmp.closed.protocol_violation"));
    }

    @Test
    void shouldCloseAClientThatDoesNotCompleteTheHandshakeInTime() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                handshake_timeout_ms = 500
                """);
        try (Socket socket = connect("127.0.0.1")) {
            socket.getOutputStream().write(RTMP_VERSION);
            assertEquals(-1, socket.getInputStream().read(), "closed without an answer (C1 never came)");
        }
        server.awaitCounter("rtmp.closed.handshake_timeout", 1, ServerHealth.WAIT);
        assertEquals(0, server.counter("rtmp.closed.idle_timeout"));

        ServerHealth.assertPublishAndPlayWork(server, "next");
        assertEquals(1, server.counter("rtmp.closed.handshake_timeout"));
    }

    @Test
    void shouldCloseASilentPublisherAndKeepItsViewerForTheNextPublisher() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                idle_timeout_ms = 1000
                """);
        byte[] first = SampleMedia.videoFrame(true, 5_000, 1);
        try (RawRtmpClient silent = new RawRtmpClient(server.rtmpPort(), 0)) {
            assertEquals("NetStream.Publish.Start", silent.publish("live", "quiet").statusCode());
            silent.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
            silent.sendMedia(MessageTypeIds.VIDEO, 40, first);
            ServerHealth.awaitKeyframe(server, "quiet");
            HttpURLConnection viewer = Http.open(server.httpPort(), "GET", "/live/quiet.flv");
            assertEquals(200, viewer.getResponseCode());
            try (InputStream in = viewer.getInputStream()) {
                FlvStreamReader flv = new FlvStreamReader(in);
                assertArrayEquals(first, ServerHealth.nextKeyframe(flv, true));

                assertTrue(silent.isClosedByServer(CLOSE_WAIT_MS), "the publisher that sends nothing is closed");
                server.awaitCounter("rtmp.closed.idle_timeout", 1, ServerHealth.WAIT);
                Await.until("live/quiet to wait for its publisher", ServerHealth.WAIT,
                        () -> "WAITING_PUBLISHER".equals(state("live/quiet")));

                try (RawRtmpClient next = new RawRtmpClient(server.rtmpPort(), 0)) {
                    assertEquals("NetStream.Publish.Start", next.publish("live", "quiet").statusCode());
                    byte[] second = SampleMedia.videoFrame(true, 5_000, 2);
                    next.sendMedia(MessageTypeIds.VIDEO, 0, SampleMedia.AVC_SEQUENCE_HEADER);
                    next.sendMedia(MessageTypeIds.VIDEO, 40, second);
                    assertArrayEquals(second, ServerHealth.nextKeyframe(flv, false),
                            "the viewer stayed and gets the next publisher's frames");
                    assertEquals("PUBLISHING", state("live/quiet"));
                }
            }
        }
        assertEquals(1, server.counter("rtmp.closed.idle_timeout"));
        assertEquals(0, server.counter("rtmp.closed.handshake_timeout"));
    }

    @Test
    void shouldCloseViewersThatBreakTheProtocolOrPauseAndFallSilent() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                max_message_bytes = 65536
                idle_timeout_ms = 1000
                """);
        try (SyntheticStream stream = new SyntheticStream(server.engine(), "live/watched");
             RawRtmpClient rude = new RawRtmpClient(server.rtmpPort(), 0);
             RawRtmpClient paused = new RawRtmpClient(server.rtmpPort(), 0)) {
            stream.video(SyntheticStream.videoFrame(0, true, 500), true, 0);
            rude.play("live", "watched");
            int streamId = paused.play("live", "watched");
            paused.command(streamId, "pause", null, true, 0.0);
            paused.awaitStatus("NetStream.Pause.Notify", CLOSE_WAIT_MS);

            rude.sendVideoMessageHeader(65_537);
            assertTrue(rude.isClosedByServer(CLOSE_WAIT_MS), "a viewer announcing too long a message is closed");
            server.awaitCounter("rtmp.closed.protocol_violation", 1, ServerHealth.WAIT);
            assertTrue(paused.isClosedByServer(CLOSE_WAIT_MS), "a paused viewer that sends nothing is closed");
            server.awaitCounter("rtmp.closed.idle_timeout", 1, ServerHealth.WAIT);
        }
        ServerHealth.assertPublishAndPlayWork(server, "next");
        assertEquals(1, server.counter("rtmp.closed.protocol_violation"));
        assertEquals(1, server.counter("rtmp.closed.idle_timeout"));
    }

    @Test
    void shouldRefuseConnectionsBeyondThePerAddressAndTotalLimitsTellingEachClientWhy() throws Exception {
        server = LoopbackServer.start("""
                [rtmp]
                max_connections = 3
                max_connections_per_ip = 2
                """);
        assertTrue(handshakeAnswered(connect("127.0.0.1")));
        assertTrue(handshakeAnswered(connect("127.0.0.1")));
        try (RawRtmpClient third = new RawRtmpClient(server.rtmpPort(), 0, "127.0.0.1")) {
            assertRefusedAtConnect(third, "too many connections from your address: 2 at once is the maximum"
                    + " ([rtmp] max_connections_per_ip)");
        }
        server.awaitCounter("rtmp.refused.max_connections_per_ip", 1, ServerHealth.WAIT);
        Ffmpeg.assumeInstalled();
        Ffmpeg.FfmpegProcess ffmpeg = Ffmpeg.start(Ffmpeg.publishArgs("rtmp://127.0.0.1:" + server.rtmpPort()
                + "/live/refused", "320x240", 10, 2), "refused-publisher");
        assertNotEquals(0, ffmpeg.await(20), "ffmpeg fails: " + ffmpeg.output());
        assertTrue(ffmpeg.output().contains("Server error: too many connections from your address"),
                "a real encoder shows the reason: " + ffmpeg.output());

        assertTrue(handshakeAnswered(connect("127.0.0.2")), "another address is served");
        try (RawRtmpClient fourth = new RawRtmpClient(server.rtmpPort(), 0, "127.0.0.3")) {
            assertRefusedAtConnect(fourth, "server busy: 3 RTMP connections at once is its maximum"
                    + " ([rtmp] max_connections); retry later");
        }
        server.awaitCounter("rtmp.refused.max_connections", 1, ServerHealth.WAIT);
        JsonNode counters = server.serverStats().get("counters");
        assertEquals(2, counters.get("rtmp.refused.max_connections_per_ip").asLong(), counters.toString());
        assertEquals(1, counters.get("rtmp.refused.max_connections").asLong(), counters.toString());
        assertEquals(0, server.counter("rtmp.closed.handshake_timeout"), "refusals are counted once, at accept");

        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
        Await.until("a new connection to be served once the others left", ServerHealth.WAIT, () -> {
            try (Socket again = new Socket("127.0.0.1", server.rtmpPort())) {
                again.setSoTimeout(CLOSE_WAIT_MS);
                return handshakeAnswered(again);
            } catch (IOException e) {
                return false;
            }
        });
        // The probe above closed too; its slot is free once the server has seen that close.
        RtmpServer rtmp = server.engine().service(RtmpServer.class);
        Await.until("every connection seen closed", ServerHealth.WAIT, () -> rtmp.connectionCount() == 0);
        ServerHealth.assertPublishAndPlayWork(server, "next");
    }

    private String state(String path) {
        try {
            JsonNode stream = server.streamStats(path);
            return stream == null ? null : stream.get("state").asText();
        } catch (IOException e) {
            throw new AssertionError("GET /api/streams/" + path + " failed", e);
        }
    }

    /** The client's connect is answered {@code _error NetConnection.Connect.Rejected} with the reason, then closed. */
    private static void assertRefusedAtConnect(RawRtmpClient client, String reason) throws IOException {
        RawRtmpClient.Message answer = client.connectAnswer("live");
        assertEquals("_error", answer.amf().get(0));
        assertEquals("NetConnection.Connect.Rejected", answer.statusCode());
        assertEquals(reason, answer.statusDescription());
        assertTrue(client.isClosedByServer(CLOSE_WAIT_MS), "closed after the answer");
    }

    private Socket connect(String fromAddress) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.rtmpPort()));
        socket.setSoTimeout(CLOSE_WAIT_MS);
        return socket;
    }

    /** Sends C0+C1 and reads S0+S1: true when the server answered, false when it closed the connection. */
    private static boolean handshakeAnswered(Socket socket) throws IOException {
        socket.getOutputStream().write(RTMP_VERSION);
        socket.getOutputStream().write(new byte[HANDSHAKE_PACKET_BYTES]);
        byte[] s0s1 = socket.getInputStream().readNBytes(1 + HANDSHAKE_PACKET_BYTES);
        return s0s1.length == 1 + HANDSHAKE_PACKET_BYTES && s0s1[0] == RTMP_VERSION;
    }
}
