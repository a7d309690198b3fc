package io.ringcast.ingest.testing;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.server.RtmpServer;

import java.io.IOException;

/** Starts an RTMP server for a test from {@link TestConfig}'s {@code [rtmp]} (127.0.0.1 port 0); test thread only. */
public final class TestRtmpServer {
    private TestRtmpServer() {
    }

    /** The server, started on {@code engine} with {@code config}'s {@code [rtmp]} keys; close it in teardown. */
    public static RtmpServer start(TestConfig config, Engine engine) throws IOException {
        RtmpServer server = new RtmpServer(RtmpConfig.from(config.configFile().section("rtmp")), engine);
        server.start();
        return server;
    }

    /** The configuration of the allocation and integration tests: at most 10 connections, one player loop. */
    public static TestConfig smallServer() {
        return TestConfig.loopback().set("rtmp", "idle_timeout_ms", 10_000).set("rtmp", "max_connections", 10)
                .set("rtmp", "player_loop_threads", 1);
    }
}
