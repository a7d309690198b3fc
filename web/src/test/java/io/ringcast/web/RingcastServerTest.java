package io.ringcast.web;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RingcastServerTest {
    private static final List<String> SERVER_THREAD_PREFIXES = List.of("ringcast-fanout-", "ringcast-housekeeping",
            "XNIO-");

    @Test
    void shouldFailStartupNamingAnUnknownKeyAndItsLine() {
        ConfigFile config = ConfigFile.parse("[http]\nport = 0\n\nfanout_thread = 2\n", "bad.toml");

        ConfigException e = assertThrows(ConfigException.class,
                () -> RingcastServer.start(config, OptionalInt.empty()));

        assertTrue(e.getMessage().contains("fanout_thread"), e.getMessage());
        assertTrue(e.getMessage().contains("bad.toml:4"), e.getMessage());
    }

    @Test
    void shouldFailStartupNamingAnUnknownSectionAndItsLine() {
        ConfigFile config = ConfigFile.parse("[http]\nport = 0\n[htpp]\nport = 1\n", "bad.toml");

        ConfigException e = assertThrows(ConfigException.class,
                () -> RingcastServer.start(config, OptionalInt.empty()));

        assertTrue(e.getMessage().contains("[htpp]") && e.getMessage().contains("bad.toml:3"), e.getMessage());
    }

    @Test
    void shouldRejectAnOutOfRangePortNamingTheKey() {
        ConfigFile config = ConfigFile.parse("[http]\nport = 70000\n", "bad.toml");

        ConfigException e = assertThrows(ConfigException.class,
                () -> RingcastServer.start(config, OptionalInt.empty()));

        assertTrue(e.getMessage().contains("port") && e.getMessage().contains("70000"), e.getMessage());
    }

    @Test
    void shouldLetTheHttpPortOverrideWinOverTheConfigFile() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(TestConfig.LOOPBACK))) {
            freePort = s.getLocalPort(); // the file says port 0 (any): only the override makes it this one
        }

        try (RingcastServer server = RingcastServer.start(TestConfig.loopback().configFile(),
                OptionalInt.of(freePort))) {
            assertEquals(freePort, server.httpPort());
            assertEquals(200, Http.open(server.httpPort(), "GET", "/api/streams").getResponseCode());
        }
    }

    @Test
    void shouldLeaveNoServerThreadsBehindWhenClosed() throws Exception {
        RingcastServer server = RingcastServer.start(
                TestConfig.loopback().set("http", "fanout_threads", 3).configFile(), OptionalInt.empty());
        assertTrue(server.httpPort() > 0);
        assertEquals(200, Http.open(server.httpPort(), "GET", "/api/streams").getResponseCode());
        assertTrue(serverThreads().size() >= 4, "fan-out, housekeeping and XNIO threads run: " + serverThreads());

        server.close();
        server.close();

        Await.until("server threads to end, still running: " + serverThreads(), Duration.ofSeconds(10),
                () -> serverThreads().isEmpty());
    }

    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> SERVER_THREAD_PREFIXES.stream().anyMatch(name::startsWith))
                .toList();
    }
}
