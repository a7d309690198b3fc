package io.ringcast.web.war;

import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.RingcastServletContextListener;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.Http;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener in both of its modes, in-process: embedded (engine preset, endpoints follow the plugins' enable
 * switches) and container mode (the listener starts and stops the runtime itself, as in a WAR), here under Undertow
 * at a context path.
 */
@Timeout(60)
class RingcastServletContextListenerTest {
    private static final List<String> RINGCAST_THREAD_PREFIXES = List.of("ringcast-", "rtmp-");

    @Test
    void shouldRemoveTheEndpointsOfDisabledPlugins() throws Exception {
        ConfigFile config = TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [httpflv]
                enable = false
                [pages]
                enable = false
                [hls]
                enable = false
                """).configFile();
        try (RingcastServer server = RingcastServer.start(config, OptionalInt.empty())) {
            assertEquals(200, Http.open(server.httpPort(), "GET", "/api/streams").getResponseCode());
            assertEquals(404, Http.open(server.httpPort(), "GET", "/live/x.flv").getResponseCode());
            assertEquals(404, Http.open(server.httpPort(), "GET", "/live/x.m3u8").getResponseCode());
            assertEquals(404, Http.open(server.httpPort(), "GET", "/play/live/x").getResponseCode());
        }
    }

    @Test
    void shouldServeStatsOnlyWhileTheStatsPluginIsEnabled() throws Exception {
        ConfigFile config = TestConfig.loopback().toml("""
                [rtmp]
                enable = false
                [stats]
                enable = false
                """).configFile();
        try (RingcastServer server = RingcastServer.start(config, OptionalInt.empty())) {
            assertEquals(404, Http.open(server.httpPort(), "GET", "/api/streams").getResponseCode());
            assertEquals(200, Http.open(server.httpPort(), "GET", "/play/live/x").getResponseCode());
        }
    }

    @Test
    void shouldStartTheRuntimeFromTheContextParameterAndStopEveryThreadOnUndeploy(@TempDir Path dir)
            throws Exception {
        Path config = Files.writeString(dir.resolve("ringcast.toml"), """
                [rtmp]
                address = "127.0.0.1"
                port = 0
                [http]
                port = 9
                fanout_threads = 2
                """);
        Deployed war = deployAsWar(config);
        try {
            assertEquals(200, Http.open(war.port, "GET", "/ringcast/api/streams").getResponseCode());
            assertEquals(200, Http.open(war.port, "GET", "/ringcast/play/live/x").getResponseCode());
            assertTrue(ringcastThreads().stream().anyMatch(n -> n.startsWith("rtmp-acceptor-")),
                    "the listener started the RTMP plugin: " + ringcastThreads());
        } finally {
            war.close();
        }
        Await.until("ringcast threads to end, still running: " + ringcastThreads(), Duration.ofSeconds(10),
                () -> ringcastThreads().isEmpty());
    }

    @Test
    void shouldFailTheDeploymentNamingTheFileLineAndKeyOfABadSetting(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("bad.toml"), "[rtmp]\nport = 0\n\n[hls]\nwindow_segment = 3\n");

        RuntimeException e = assertThrows(RuntimeException.class, () -> deployAsWar(config).close());

        String message = causes(e);
        assertTrue(message.contains("bad.toml:5") && message.contains("window_segment"), message);
        assertTrue(ringcastThreads().isEmpty(), "nothing keeps running: " + ringcastThreads());
    }

    private record Deployed(ServletContainer container, DeploymentInfo info, DeploymentManager manager,
                            Undertow undertow, int port) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            undertow.stop();
            manager.stop();
            manager.undeploy();
            container.removeDeployment(info);
        }
    }

    /** Deploys the listener the way a WAR's web.xml does: no engine preset, the config as context parameter. */
    private static Deployed deployAsWar(Path config) throws Exception {
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(RingcastServletContextListenerTest.class.getClassLoader())
                .setContextPath("/ringcast")
                .setDeploymentName("war-mode")
                .addInitParameter(RingcastServletContextListener.CONFIG_PARAMETER, config.toString())
                .addListener(Servlets.listener(RingcastServletContextListener.class));
        ServletContainer container = ServletContainer.Factory.newInstance();
        DeploymentManager manager = container.addDeployment(info);
        manager.deploy();
        Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(Handlers.path().addPrefixPath("/ringcast", manager.start())).build();
        undertow.start();
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        return new Deployed(container, info, manager, undertow, port);
    }

    private static List<String> ringcastThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> RINGCAST_THREAD_PREFIXES.stream().anyMatch(n::startsWith)).toList();
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        return all.toString();
    }
}
