package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.api.ServletStackTraces;
import jakarta.servlet.ServletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalInt;

/**
 * The standalone server: a {@link RingcastRuntime} (engine and the plugins found on the class path, RTMP ingest from
 * module ingest) and an embedded Undertow serving the servlets. Started and closed by one thread (main, or a test);
 * the running parts have their own threads. HTTP is an {@link HttpListener}, which counts the connections it
 * closes for a limit.
 *
 * <p>The servlets are deployed exactly as in a servlet container, by {@link RingcastServletContextListener}; the
 * engine is preset as the context attribute {@link RingcastContext#ENGINE_ATTRIBUTE}, so the listener only maps the
 * servlets of the started plugins. Static resources come from {@code META-INF/resources/} on the class path, as
 * Tomcat and Jetty serve them from the jar in {@code WEB-INF/lib}.
 */
public final class RingcastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingcastServer.class);
    private static final String DEPLOYMENT_NAME = "ringcast";

    private final RingcastRuntime runtime;
    private final ServletContainer container;
    private final DeploymentManager deployment;
    private final HttpListener listener;
    private final int httpPort;
    private boolean closed;

    private RingcastServer(RingcastRuntime runtime, ServletContainer container, DeploymentManager deployment,
                           HttpListener listener, int httpPort) {
        this.runtime = runtime;
        this.container = container;
        this.deployment = deployment;
        this.listener = listener;
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
        return start(config, httpPortOverride, HttpListener.newBufferPool());
    }

    /** As {@link #start(ConfigFile, OptionalInt)}, with the HTTP listener's buffers given (tests check them). */
    static RingcastServer start(ConfigFile config, OptionalInt httpPortOverride, ByteBufferPool httpBuffers) {
        RingcastRuntime runtime = RingcastRuntime.start(config, RingcastServer.class.getClassLoader());
        HttpConfig http = runtime.http();
        ServletContainer container = null;
        DeploymentManager deployment = null;
        try {
            if (httpPortOverride.isPresent()) {
                http = http.withPort(httpPortOverride.getAsInt());
            }
            container = ServletContainer.Factory.newInstance();
            deployment = container.addDeployment(deploymentInfo(runtime.engine()));
            deployment.deploy();
            HttpListener listener = HttpListener.start(http, deployment.start(), runtime.engine().counters(),
                    httpBuffers);
            int port = listener.port();
            LOG.info("HTTP listening on {}:{} ({} fan-out threads; plugins: {})", http.address(), port,
                    http.fanoutThreads(), runtime.startedPlugins());
            FileDescriptorLimitCheck.warnIfTooLow(http.maxConnections(), runtime.pluginFileDescriptors());
            return new RingcastServer(runtime, container, deployment, listener, port);
        } catch (ServletException | RuntimeException e) {
            undeploy(container, deployment);
            runtime.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("HTTP deployment failed", e);
        }
    }

    private static DeploymentInfo deploymentInfo(Engine engine) {
        return Servlets.deployment()
                .setClassLoader(RingcastServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName(DEPLOYMENT_NAME)
                .addServletContextAttribute(RingcastContext.ENGINE_ATTRIBUTE, engine)
                .addListener(Servlets.listener(RingcastServletContextListener.class))
                .addInnerHandlerChainWrapper(new UndertowConnectionAbort())
                .addInnerHandlerChainWrapper(UndertowResponseChannel.forEveryRequest())
                // Undertow shows stack traces to loopback clients by default; UnhandledErrorFilter answers with an
                // id, and whatever escapes it gets Undertow's plain page.
                .setServletStackTraces(ServletStackTraces.NONE)
                .setResourceManager(new ClassPathResourceManager(RingcastServer.class.getClassLoader(),
                        "META-INF/resources"));
    }

    /** The port HTTP is bound to (the real one when configured as 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The port a started plugin listens on (e.g. "rtmp"), for tests and logs; fails if it does not run. */
    public int pluginPort(String name) {
        return runtime.pluginPort(name);
    }

    public Engine engine() {
        return runtime.engine();
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
        // Viewers first, while HTTP still runs, so each gets a clean end of stream instead of a reset; no new ones.
        listener.refuseNewRequests();
        runtime.endViewers();
        listener.close();
        undeploy(container, deployment);
        runtime.close();
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
