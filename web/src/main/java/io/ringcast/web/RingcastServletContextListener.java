package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.control.ControlServlet;
import io.ringcast.web.endpoint.Endpoint;
import io.ringcast.web.endpoint.EndpointFilter;
import io.ringcast.web.hls.HlsServlet;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.llhls.LlNames;
import io.ringcast.web.llhls.LlHlsServlet;
import io.ringcast.web.httpflv.HttpFlvPlugin;
import io.ringcast.web.httpflv.HttpFlvServlet;
import io.ringcast.web.httpflv.ProxyPullConfig;
import io.ringcast.web.httpflv.ProxyPullServlet;
import io.ringcast.web.metrics.MetricsPlugin;
import io.ringcast.web.metrics.MetricsServlet;
import io.ringcast.web.report.LatencyReportServlet;
import io.ringcast.web.page.PagesPlugin;
import io.ringcast.web.page.PlayerPageServlet;
import io.ringcast.web.page.StaticResourceServlet;
import io.ringcast.web.page.StreamIndexServlet;
import io.ringcast.web.stats.LiveStatServlet;
import io.ringcast.web.stats.StatsPlugin;
import io.ringcast.web.stats.StatsServlet;
import io.ringcast.web.http.AllowedMethodsFilter;
import io.ringcast.web.http.UnhandledErrorFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Deploys ringcast into a servlet context: the one deployment path of the embedded server and of the WAR. Called by
 * the container's deployment thread only.
 *
 * <p>Embedded, {@link RingcastServer} has started the engine and put it in {@link RingcastContext#ENGINE_ATTRIBUTE}
 * before the context starts; this listener only maps the servlets. In a container (the WAR's {@code web.xml} declares
 * this listener) the attribute is absent: the listener starts a {@link RingcastRuntime} itself from the file named by
 * the context parameter or system property {@value #CONFIG_PARAMETER} (the embedded defaults when neither is set),
 * and {@link #contextDestroyed} stops it again, joining every thread it started.
 *
 * <p>Two filters cover every path: {@link UnhandledErrorFilter} (a failure is logged with an id and answered 500
 * with the id only) and {@link AllowedMethodsFilter} (methods other than GET, HEAD and OPTIONS: 405). Then each
 * servlet has its {@link EndpointFilter} (CORS and the access check, as its {@link Endpoint} says); servlets and
 * endpoint filters are created here with the engine.
 *
 * <p>Only the endpoints of started plugins are mapped: {@code *.flv} and the relays' proxy form at
 * {@code [relay] proxy_path} ({@code [httpflv]}), {@code /api/*}, {@code /stat/livestat},
 * {@code /ops/latency} and {@code /ops/latency.csv} ({@code [stats]}), {@code /metrics} ({@code [metrics]}),
 * {@code ""}, {@code /play/*},
 * {@code /assets/*} and {@code /webjars/*} ({@code [pages]}), {@code *.m3u8} and {@code *.ts}
 * ({@code [hls]}). The pages' static files are jar resources under {@code META-INF/resources/}, served by
 * {@link StaticResourceServlet} (without the pages, by the container's default servlet).
 */
public final class RingcastServletContextListener implements ServletContextListener {
    /** Context init parameter, else system property: path of the TOML configuration in a container. */
    public static final String CONFIG_PARAMETER = "ringcast.config";
    private static final Logger LOG = LoggerFactory.getLogger(RingcastServletContextListener.class);
    private static final int LOAD_ON_STARTUP = 1;

    /** The runtime this listener started (container mode); null when embedded or not started. */
    private RingcastRuntime owned;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Engine engine;
        if (context.getAttribute(RingcastContext.ENGINE_ATTRIBUTE) instanceof Engine embedded) {
            engine = embedded;
        } else {
            owned = startRuntime(context);
            engine = owned.engine();
            context.setAttribute(RingcastContext.ENGINE_ATTRIBUTE, engine);
        }
        List<String> mapped = register(context, engine);
        if (owned != null) {
            String message = "ringcast started at context path '" + context.getContextPath() + "': plugins "
                    + owned.startedPlugins() + ", servlets " + mapped + " ([http] address and port are the "
                    + "container's, not read here)";
            LOG.info(message);
            context.log(message);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        RingcastRuntime runtime = owned;
        if (runtime == null) {
            return;
        }
        owned = null;
        ServletContext context = event.getServletContext();
        runtime.close();
        context.removeAttribute(RingcastContext.ENGINE_ATTRIBUTE);
        context.removeAttribute(HlsStreams.CONTEXT_ATTRIBUTE);
        context.removeAttribute(LlHlsStreams.CONTEXT_ATTRIBUTE);
        LOG.info("ringcast stopped at context path '{}'", context.getContextPath());
        context.log("ringcast stopped");
    }

    private RingcastRuntime startRuntime(ServletContext context) {
        ConfigFile config;
        try {
            config = loadConfig(context);
            return RingcastRuntime.start(config, RingcastServletContextListener.class.getClassLoader());
        } catch (ConfigException e) {
            String message = "ringcast: configuration error: " + e.getMessage();
            LOG.error(message);
            context.log(message);
            throw new IllegalStateException(message, e);
        } catch (RuntimeException e) {
            String message = "ringcast: startup failed: " + e.getMessage();
            LOG.error(message, e);
            context.log(message, e);
            throw new IllegalStateException(message, e);
        }
    }

    /** The context parameter wins over the system property; neither means the embedded defaults. */
    private static ConfigFile loadConfig(ServletContext context) {
        String path = context.getInitParameter(CONFIG_PARAMETER);
        if (path == null || path.isBlank()) {
            path = System.getProperty(CONFIG_PARAMETER);
        }
        if (path == null || path.isBlank()) {
            return ConfigFile.empty();
        }
        return ConfigFile.load(Path.of(path.trim()));
    }

    /** Maps the servlets of the started plugins; returns the mapped servlet names. */
    private static List<String> register(ServletContext context, Engine engine) {
        // On every path, first: failures answered with an id only, then methods ringcast does not use refused.
        filter(context, "unhandled-errors", UnhandledErrorFilter.class);
        filter(context, "allowed-methods", AllowedMethodsFilter.class);
        List<String> mapped = new ArrayList<>();
        if (engine.service(HttpFlvPlugin.class) != null) {
            // Asynchronous: a viewer's response outlives the request thread, fed by a fan-out worker.
            HttpFlvServlet flv = new HttpFlvServlet(engine);
            add(context, engine, mapped, "httpflv", flv, Endpoint.HTTP_FLV, true, "*.flv");
            ProxyPullConfig proxy = java.util.Objects.requireNonNullElse(engine.service(ProxyPullConfig.class),
                    ProxyPullConfig.DEFAULT);
            if (proxy.enabled()) {
                // An exact path: /live/name.flv still goes to *.flv. Answers 503 while the relay plugin is off.
                add(context, engine, mapped, "proxy-pull", new ProxyPullServlet(engine, flv), Endpoint.PROXY_PULL,
                        true, proxy.path());
            }
        }
        // Asynchronous too: their bodies above a socket buffer go out without blocking a thread (ResponseBody).
        if (engine.service(StatsPlugin.class) != null) {
            add(context, engine, mapped, "stats", new StatsServlet(engine), Endpoint.STATS, true, "/api/*");
            // Answers 409 with how to turn it on while [latency_log] is off, rather than an anonymous 404.
            add(context, engine, mapped, "ops-latency", new LatencyReportServlet(engine), Endpoint.LATENCY_REPORT,
                    true, "/ops/latency", "/ops/latency.csv");
            add(context, engine, mapped, "livestat", new LiveStatServlet(engine), Endpoint.LIVESTAT, true,
                    "/stat/livestat");
        }
        MetricsPlugin metrics = engine.service(MetricsPlugin.class);
        if (metrics != null) {
            // Renders in memory, then sends asynchronously (ResponseBody) as the stats API does.
            add(context, engine, mapped, "metrics", new MetricsServlet(metrics), Endpoint.METRICS, true, "/metrics");
        }
        if (engine.service(PagesPlugin.class) != null) {
            // The stream list at the context root only (""), players below /play/; their scripts and the player
            // libraries are jar resources under META-INF/resources/.
            add(context, engine, mapped, "pages-index", new StreamIndexServlet(engine), Endpoint.STREAM_INDEX,
                    true, "");
            add(context, engine, mapped, "pages-player", new PlayerPageServlet(engine), Endpoint.PLAYER_PAGE,
                    true, "/play/*");
            // Served by us rather than the container's default servlet, which writes blocking.
            add(context, engine, mapped, "pages-static", new StaticResourceServlet(), Endpoint.STATIC_FILES, true,
                    "/assets/*", "/webjars/*");
        }
        if (engine.service(AdminAuth.class) != null) {
            // Only with an admin secret configured: the control plugin registers AdminAuth.
            add(context, engine, mapped, "control", new ControlServlet(engine), Endpoint.CONTROL, false,
                    "/control/*");
        }
        // Before the MPEG-TS servlet, which forwards /app/name.m3u8 to it with [hls] variant = "fmp4".
        LlHlsStreams llhls = engine.service(LlHlsStreams.class);
        if (llhls != null) {
            context.setAttribute(LlHlsStreams.CONTEXT_ATTRIBUTE, llhls);
            // Asynchronous: blocking playlist reloads and parts being written wait without a thread.
            add(context, engine, mapped, LlHlsServlet.NAME, new LlHlsServlet(engine), Endpoint.LL_HLS, true,
                    "/" + LlNames.PATH_PREFIX + "/*");
        }
        HlsStreams hls = engine.service(HlsStreams.class);
        if (hls != null) {
            context.setAttribute(HlsStreams.CONTEXT_ATTRIBUTE, hls);
            // Asynchronous: segments are written without blocking a request thread (ResponseBody).
            add(context, engine, mapped, "hls", new HlsServlet(engine), Endpoint.HLS, true, "*.m3u8", "*.ts");
        }
        return mapped;
    }

    /** Maps {@code type} to every path and request, after the filters added before it; async-capable. */
    private static void filter(ServletContext context, String name, Class<? extends Filter> type) {
        FilterRegistration.Dynamic filter = context.addFilter(name, type);
        if (filter == null) {
            throw new IllegalStateException("filter " + name + " is already declared in this context");
        }
        // Async: the HTTP-FLV and HLS servlets start async cycles, which every filter before them must allow.
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /**
     * Maps {@code instance} as {@code name} to {@code patterns}, behind its own {@link EndpointFilter} (after the
     * filters mapped to every path: URL-pattern mappings come before servlet-name ones).
     */
    private static void add(ServletContext context, Engine engine, List<String> mapped, String name,
                            Servlet instance, Endpoint endpoint, boolean async, String... patterns) {
        ServletRegistration.Dynamic servlet = context.addServlet(name, instance);
        if (servlet == null) {
            throw new IllegalStateException("servlet " + name + " is already declared in this context");
        }
        FilterRegistration.Dynamic filter = context.addFilter(name + "-endpoint", new EndpointFilter(engine, endpoint));
        if (filter == null) {
            throw new IllegalStateException("filter " + name + "-endpoint is already declared in this context");
        }
        filter.setAsyncSupported(async);
        // ASYNC too: a play the hook allowed after suspending it is dispatched again, and its end must be followed.
        filter.addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), true, name);
        servlet.setAsyncSupported(async);
        servlet.setLoadOnStartup(LOAD_ON_STARTUP);
        java.util.Set<String> taken = servlet.addMapping(patterns);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("servlet " + name + ": patterns " + taken + " are mapped already");
        }
        mapped.add(name);
    }
}
