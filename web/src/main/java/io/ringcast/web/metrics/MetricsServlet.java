package io.ringcast.web.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: one scrape of the {@link MetricsPlugin}'s registry, written by the Prometheus library in the
 * format the {@code Accept} header asks for (OpenMetrics for a Prometheus server, else the Prometheus text format
 * 0.0.4). Runs on container request threads; renders the whole body before sending, then sends it without
 * blocking on a client that does not read ({@link ResponseBody}). Stats protection ({@code [control]
 * protect_stats}, a bearer token) and CORS: {@link io.ringcast.web.endpoint.Endpoint#METRICS}.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private final transient MetricsPlugin plugin;
    private final transient ExpositionFormats formats = ExpositionFormats.init();

    public MetricsServlet(MetricsPlugin plugin) {
        this.plugin = plugin;
    }

    /** A request refused by the stats protection: the reason as plain text (HEAD: the headers only). */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        byte[] body = (verdict.reason() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(verdict.status());
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(body.length);
        if (withBody) {
            response.getOutputStream().write(body);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrometheusRegistry registry = plugin.registry();
        if (registry == null) {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "metrics are stopped");
            return;
        }
        ExpositionFormatWriter writer = formats.findWriter(request.getHeader("Accept"));
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter(); // protobuf asked for: not shipped, text instead
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(INITIAL_BUFFER_BYTES);
        writer.write(body, registry.scrape());
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setHeader("Cache-Control", "no-cache");
        ResponseBody.send(request, response, body.toByteArray(), true);
    }
}
