package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.EngineConfigs;
import io.ringcast.broadcast.plugin.PluginHost;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.control.ControlServlet;
import io.ringcast.web.hls.HlsServlet;
import io.ringcast.web.hls.HlsStreams;
import io.ringcast.web.httpflv.HttpFlvServlet;
import io.ringcast.web.page.PlayerPageServlet;
import io.ringcast.web.page.StreamIndexServlet;
import io.ringcast.web.stats.StatsServlet;
import io.undertow.Undertow;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.OptionalInt;

/**
 * The standalone server: the engine, the plugins found on the class path (RTMP ingest from module ingest) and an
 * embedded Undertow serving the servlets. Started and closed by one thread (main, or a test); the running parts
 * have their own threads.
 *
 * <p>Servlet mappings: {@link HttpFlvServlet} at {@code *.flv}, {@link StatsServlet} at {@code /api/*},
 * {@link StreamIndexServlet} at the context root ({@code ""}), {@link PlayerPageServlet} at {@code /play/*}; static
 * resources from {@code META-INF/resources/} on the class path everywhere else. The
 * engine reaches the servlets as the context attribute {@link RingcastContext#ENGINE_ATTRIBUTE}, so the same
 * servlets deploy unchanged in other containers.
 */
public final class RingcastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingcastServer.class);
    private static final String DEPLOYMENT_NAME = "ringcast";

    private final Engine engine;
    private final PluginHost plugins;
    private final ServletContainer container;
    private final DeploymentManager deployment;
    private final Undertow undertow;
    private final int httpPort;
    private boolean closed;

    private RingcastServer(Engine engine, PluginHost plugins, ServletContainer container,
                           DeploymentManager deployment, Undertow undertow, int httpPort) {
        this.engine = engine;
        this.plugins = plugins;
        this.container = container;
        this.deployment = deployment;
        this.undertow = undertow;
        this.httpPort = httpPort;
    }

    /**
     * Reads every section, rejects unknown ones, then starts engine, plugins and HTTP in that order; whatever
     * started is stopped again if a later step fails.
     *
     * @param httpPortOverride replaces {@code [http] port} when present (the {@code --http-port} flag)
     * @throws io.ringcast.broadcast.config.ConfigException when the configuration is unusable
     */
    public static RingcastServer start(ConfigFile config, OptionalInt httpPortOverride) {
        EngineConfig engineConfig = EngineConfigs.engine(config);
        RingConfig ringConfig = EngineConfigs.ring(config);
        LimitsConfig limits = EngineConfigs.limits(config);
        HttpConfig http = HttpConfig.read(config);
        if (httpPortOverride.isPresent()) {
            http = http.withPort(httpPortOverride.getAsInt());
        }
        PluginHost plugins = PluginHost.discover(RingcastServer.class.getClassLoader());
        plugins.configure(config);
        config.requireAllKeysUsed();

        Engine engine = new Engine(engineConfig, ringConfig, limits, NanoClock.SYSTEM, http.fanoutThreads()).start();
        ServletContainer container = null;
        DeploymentManager deployment = null;
        try {
            plugins.start(engine);
            container = ServletContainer.Factory.newInstance();
            deployment = container.addDeployment(deploymentInfo(engine));
            deployment.deploy();
            Undertow undertow = Undertow.builder()
                    .addHttpListener(http.port(), http.address())
                    .setHandler(deployment.start())
                    .build();
            undertow.start();
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            LOG.info("HTTP listening on {}:{} ({} fan-out threads; plugins: {})", http.address(), port,
                    http.fanoutThreads(), plugins.plugins().stream().map(p -> p.name()).toList());
            return new RingcastServer(engine, plugins, container, deployment, undertow, port);
        } catch (ServletException | RuntimeException e) {
            undeploy(container, deployment);
            plugins.close();
            engine.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("HTTP deployment failed", e);
        }
    }

    private static DeploymentInfo deploymentInfo(Engine engine) {
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(RingcastServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName(DEPLOYMENT_NAME)
                .addServletContextAttribute(RingcastContext.ENGINE_ATTRIBUTE, engine)
                .addServlets(
                        Servlets.servlet("httpflv", HttpFlvServlet.class)
                                .addMapping("*.flv")
                                .setAsyncSupported(true)
                                .setLoadOnStartup(1),
                        Servlets.servlet("stats", StatsServlet.class)
                                .addMapping("/api/*")
                                .setLoadOnStartup(1))
                // Pages: the stream list at the context root only (""), players below /play/. Their scripts and
                // the player libraries are jar resources under META-INF/resources/ (as Tomcat and Jetty serve
                // them from WEB-INF/lib), served here by Undertow's default servlet for every unmapped path.
                .addServlets(
                        Servlets.servlet("pages-index", StreamIndexServlet.class)
                                .addMapping("")
                                .setLoadOnStartup(1),
                        Servlets.servlet("pages-player", PlayerPageServlet.class)
                                .addMapping("/play/*")
                                .setLoadOnStartup(1))
                .setResourceManager(new ClassPathResourceManager(RingcastServer.class.getClassLoader(),
                        "META-INF/resources"));
        if (engine.service(AdminAuth.class) != null) {
            // Only with an admin secret configured: the control plugin registers AdminAuth.
            info.addServlets(Servlets.servlet("control", ControlServlet.class)
                    .addMapping("/control/*")
                    .setLoadOnStartup(1));
        }
        HlsStreams hls = engine.service(HlsStreams.class);
        if (hls != null) {
            // Only with the HLS plugin enabled: disabling it removes its endpoints.
            info.addServletContextAttribute(HlsStreams.CONTEXT_ATTRIBUTE, hls)
                    .addServlets(Servlets.servlet("hls", HlsServlet.class)
                            .addMapping("*.m3u8")
                            .addMapping("*.ts")
                            .setLoadOnStartup(1));
        }
        return info;
    }

    /** The port HTTP is bound to (the real one when configured as 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The port a started plugin listens on (e.g. "rtmp"), for tests and logs; fails if it does not run. */
    public int pluginPort(String name) {
        return plugins.started(name).orElseThrow(() -> new IllegalStateException("plugin " + name + " not running"))
                .boundAddresses().get(0).getPort();
    }

    public Engine engine() {
        return engine;
    }

    /**
     * Ends the viewers (fan-out workers close their subscriptions), then stops HTTP, the plugins in reverse order
     * and the engine. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("shutting down");
        // Viewers first, while HTTP still runs, so each gets a clean end of stream instead of a reset.
        engine.fanout().close();
        undertow.stop();
        undeploy(container, deployment);
        plugins.close();
        engine.close();
        LOG.info("stopped");
    }

    private static void undeploy(ServletContainer container, DeploymentManager deployment) {
        if (deployment == null) {
            return;
        }
        DeploymentInfo info = deployment.getDeployment().getDeploymentInfo();
        try {
            deployment.stop();
        } catch (ServletException e) {
            LOG.warn("stopping the servlet deployment failed", e);
        }
        deployment.undeploy();
        container.removeDeployment(info);
    }
}
