package io.ringcast.web.report;

import io.ringcast.broadcast.Engine;
import io.ringcast.ops.latencylog.LatencyLogPlugin;
import io.ringcast.ops.latencylog.LatencyLogWriter;
import io.ringcast.ops.report.CsvReport;
import io.ringcast.ops.report.HtmlReport;
import io.ringcast.ops.report.LatencyAggregator;
import io.ringcast.ops.report.LatencyLogFiles;
import io.ringcast.ops.report.LatencyLogs;
import io.ringcast.ops.report.LatencyReportData;
import io.ringcast.ops.report.ReportTime;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.web.http.ResponseBody;
import io.ringcast.web.http.UnhandledErrorFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The latency report of the running server, mapped at {@code /ops/latency} (HTML) and {@code /ops/latency.csv}: the
 * same report as the {@code latency-report} command, made from the {@code [latency_log]} files of the requested
 * range plus the window the writer has not written yet. Query: {@code from} and {@code to} as {@link ReportTime}
 * reads them (default: the last hour up to now). Runs on container request threads, one report at a time, each on
 * that one thread: at most {@value #MAX_RANGE_HOURS} hours per request, so a report costs at most one core for
 * seconds however large the logs. Stats protection: {@link io.ringcast.web.endpoint.Endpoint#LATENCY_REPORT}.
 */
public final class LatencyReportServlet extends HttpServlet {
    static final int MAX_RANGE_HOURS = 24;
    private static final long MAX_RANGE_MS = MAX_RANGE_HOURS * 3_600_000L;
    private static final long DEFAULT_RANGE_MS = 3_600_000L;
    private static final int WORST_INTERVALS = 20;
    private static final String CSV_PATH = "/ops/latency.csv";
    private static final String RETRY_AFTER_S = "5";

    /** One report at a time: a second request gets 503 rather than a second core. */
    private final transient Semaphore reporting = new Semaphore(1);
    private final transient Engine engine;

    public LatencyReportServlet(Engine engine) {
        this.engine = engine;
    }

    /** A request refused by the stats protection: the reason as plain text (HEAD: its headers only). */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        sendText(response, verdict.status(), verdict.reason(), withBody);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LatencyLogPlugin latencyLog = engine.service(LatencyLogPlugin.class);
        LatencyLogWriter writer = latencyLog == null ? null : latencyLog.writer();
        if (writer == null) {
            sendText(response, HttpServletResponse.SC_CONFLICT, "latency logging is off: set [latency_log] enable = "
                    + "true in the server's configuration to record the logs this report is made from");
            return;
        }
        long nowMs = System.currentTimeMillis();
        long toMs;
        long fromMs;
        try {
            toMs = time(request, "to", nowMs, nowMs);
            fromMs = time(request, "from", toMs - DEFAULT_RANGE_MS, nowMs);
        } catch (IllegalArgumentException e) {
            sendText(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        if (fromMs >= toMs) {
            sendText(response, HttpServletResponse.SC_BAD_REQUEST, "from must be before to: from "
                    + Instant.ofEpochMilli(fromMs) + ", to " + Instant.ofEpochMilli(toMs));
            return;
        }
        if (toMs - fromMs > MAX_RANGE_MS) {
            sendText(response, HttpServletResponse.SC_BAD_REQUEST, "range longer than " + MAX_RANGE_HOURS
                    + " hours; ask for less, or run ops/latency-report on the log files for longer ranges");
            return;
        }
        if (!reporting.tryAcquire()) {
            response.setHeader("Retry-After", RETRY_AFTER_S);
            sendText(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "another latency report is being made; try again in a few seconds");
            return;
        }
        try {
            Path directory = latencyLog.config().directory();
            List<Path> files = LatencyLogFiles.forRange(directory, fromMs, toMs);
            LatencyReportData data = report(files, writer.pending(), fromMs, toMs);
            if (CSV_PATH.equals(request.getServletPath())) {
                send(request, response, "text/csv; charset=utf-8", CsvReport.toString(data));
            } else {
                List<String> sources = new ArrayList<>(files.stream().map(Path::toString).toList());
                sources.add("the current " + latencyLog.config().intervalS() + " s window (not logged yet)");
                String requested = "from " + Instant.ofEpochMilli(fromMs) + " to " + Instant.ofEpochMilli(toMs);
                send(request, response, "text/html; charset=utf-8",
                        HtmlReport.render(data, new HtmlReport.Context(sources, requested, nowMs)));
            }
        } catch (IOException e) {
            // An unreadable or malformed log: the log names the file and position; the answer only the id.
            String id = UnhandledErrorFilter.logWithId("latency report " + request.getRequestURI(), e);
            sendText(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "cannot read the latency logs: error "
                    + id + " in the server's log names the file and the problem");
        } finally {
            reporting.release();
        }
    }

    /** The logged intervals before the writer's pending window, then that window from memory. */
    private static LatencyReportData report(List<Path> files, LatencyLogWriter.PendingWindow pending, long fromMs,
                                            long toMs) throws IOException {
        LatencyAggregator aggregator = LatencyLogs.aggregate(files, fromMs, toMs, pending.startMs(),
                WORST_INTERVALS, 1);
        pending.histograms().forEach(aggregator::add);
        return aggregator.result();
    }

    private static long time(HttpServletRequest request, String name, long absentMs, long nowMs) {
        String value = request.getParameter(name);
        if (value == null || value.isBlank()) {
            return absentMs;
        }
        try {
            return ReportTime.parse(value, nowMs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** A report can be large: it goes out without blocking this thread on a client that does not read it. */
    private static void send(HttpServletRequest request, HttpServletResponse response, String contentType,
                             String body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-cache");
        ResponseBody.send(request, response, body.getBytes(StandardCharsets.UTF_8), true);
    }

    private static void sendText(HttpServletResponse response, int status, String message) throws IOException {
        sendText(response, status, message, true);
    }

    private static void sendText(HttpServletResponse response, int status, String message, boolean withBody)
            throws IOException {
        byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(bytes.length);
        if (withBody) {
            response.getOutputStream().write(bytes);
        }
    }
}
