package io.ringcast.ops.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link LatencyReportData} as one self-contained HTML page: inline CSS and SVG, no script, nothing loaded
 * from elsewhere, every text escaped. Shows the percentile distribution per protocol, p50/p99/max over time per
 * protocol, the table per stream and protocol and the worst intervals; latencies in microseconds, times in UTC.
 * Pure function of its inputs; any thread.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final String P50_COLOR = "#2ca02c";
    private static final String P99_COLOR = "#ff7f0e";
    private static final String MAX_COLOR = "#d62728";
    private static final int MAX_PERCENTILE_DECADES = 6;
    private static final DateTimeFormatter UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK_S = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final long[] TIME_TICKS_MS = {10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000,
        3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000};

    /**
     * What the page says about where the numbers come from.
     *
     * @param sources     the logs read (or e.g. "live server")
     * @param requested   the requested time range as text ("" when all)
     * @param generatedMs when the report was made (epoch ms)
     */
    public record Context(List<String> sources, String requested, long generatedMs) {
    }

    private HtmlReport() {
    }

    public static String render(LatencyReportData data, Context context) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>ringcast latency report</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Server-added latency</h1>\n<p class=\"meta\">");
        h.append("Logs: ").append(Html.escape(String.join(", ", context.sources()))).append("<br>\n");
        if (data.intervals() == 0) {
            h.append("No intervals")
                    .append(context.requested().isEmpty() ? "" : " in " + Html.escape(context.requested()))
                    .append(".</p>\n</body>\n</html>\n");
            return h.toString();
        }
        h.append("Intervals from ").append(time(data.firstStartMs())).append(" to ").append(time(data.lastEndMs()))
                .append(" UTC");
        if (!context.requested().isEmpty()) {
            h.append(" (requested ").append(Html.escape(context.requested())).append(')');
        }
        h.append(" · ").append(data.intervals()).append(" intervals · ").append(data.tags().size())
                .append(" streams × protocols · generated ").append(time(context.generatedMs())).append(" UTC</p>\n");
        h.append("<p class=\"note\">Server-added latency: from a frame's arrival at the server to the write to a "
                + "viewer (hls-segment: until the segment is available). All values in µs.</p>\n");
        percentiles(h, data.protocolTotals());
        overTime(h, data);
        table(h, data.tags());
        worst(h, data.worst());
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void percentiles(StringBuilder h, Map<String, Histogram> totals) {
        h.append("<h2>Percentile distribution</h2>\n<p class=\"note\">Every stream of a protocol merged. ")
                .append("x: percentile on a log scale of 1/(1-p), as HdrHistogram's plots.</p>\n");
        List<SvgChart.Line> lines = new ArrayList<>();
        int color = 0;
        int decades = 1;
        for (Map.Entry<String, Histogram> e : totals.entrySet()) {
            Histogram hist = e.getValue();
            double countDecades = Math.ceil(Math.log10((double) hist.getTotalCount()));
            int d = (int) Math.min(MAX_PERCENTILE_DECADES, Math.max(1, countDecades));
            decades = Math.max(decades, d);
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue v : hist.percentiles(5)) {
                double fraction = 1 - v.getPercentileLevelIteratedTo() / 100.0;
                double x = fraction <= 0 ? d : Math.min(d, Math.log10(1 / fraction));
                points.add(new double[] {x, v.getValueIteratedTo() / 1000.0});
                if (fraction <= 0) {
                    break;
                }
            }
            lines.add(line(e.getKey(), COLORS[color++ % COLORS.length], points));
        }
        List<SvgChart.Tick> ticks = new ArrayList<>();
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= decades; i++) {
            ticks.add(new SvgChart.Tick(i, labels[i]));
        }
        h.append(SvgChart.render("latency by percentile", lines, 0, decades, ticks, "percentile"));
    }

    private static SvgChart.Line line(String name, String color, List<double[]> points) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i)[0];
            ys[i] = points.get(i)[1];
        }
        return new SvgChart.Line(name, color, xs, ys);
    }

    private static void overTime(StringBuilder h, LatencyReportData data) {
        h.append("<h2>Over time</h2>\n<p class=\"note\">One point per ").append(duration(data.bucketMs()))
                .append(": the percentiles of every stream of the protocol in that time.</p>\n");
        long from = data.firstStartMs();
        long to = Math.max(data.lastEndMs(), from + 1);
        List<SvgChart.Tick> ticks = timeTicks(from, to);
        for (Map.Entry<String, List<LatencyReportData.SeriesPoint>> e : data.series().entrySet()) {
            List<LatencyReportData.SeriesPoint> points = e.getValue();
            double[] xs = new double[points.size()];
            double[] p50 = new double[xs.length];
            double[] p99 = new double[xs.length];
            double[] max = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                LatencyReportData.SeriesPoint p = points.get(i);
                xs[i] = Math.max(p.startMs(), from);
                p50[i] = p.p50Ns() / 1000.0;
                p99[i] = p.p99Ns() / 1000.0;
                max[i] = p.maxNs() / 1000.0;
            }
            h.append("<h3>").append(Html.escape(e.getKey())).append("</h3>\n");
            h.append(SvgChart.render(e.getKey() + " over time", List.of(
                    new SvgChart.Line("max", MAX_COLOR, xs, max),
                    new SvgChart.Line("p99", P99_COLOR, xs, p99),
                    new SvgChart.Line("p50", P50_COLOR, xs, p50)), (double) from, (double) to, ticks, "time (UTC)"));
        }
    }

    private static List<SvgChart.Tick> timeTicks(long from, long to) {
        long step = TIME_TICKS_MS[TIME_TICKS_MS.length - 1];
        for (long s : TIME_TICKS_MS) {
            if ((to - from) / s <= 10) {
                step = s;
                break;
            }
        }
        boolean days = to - from > 86_400_000L || !DAY.format(Instant.ofEpochMilli(from))
                .equals(DAY.format(Instant.ofEpochMilli(to - 1)));
        List<SvgChart.Tick> ticks = new ArrayList<>();
        for (long t = Math.floorDiv(from, step) * step + step; t < to; t += step) {
            Instant i = Instant.ofEpochMilli(t);
            String label = (step < 60_000 ? CLOCK_S : CLOCK).format(i);
            ticks.add(new SvgChart.Tick(t, days ? DAY.format(i) + " " + label : label));
        }
        return ticks;
    }

    private static void table(StringBuilder h, List<LatencyReportData.TagSummary> rows) {
        h.append("<h2>Per stream and protocol</h2>\n<table>\n<thead><tr><th>stream</th><th>protocol</th>")
                .append("<th>intervals</th><th>count</th><th>p50 µs</th><th>p90 µs</th><th>p99 µs</th>")
                .append("<th>p99.9 µs</th><th>max µs</th></tr></thead>\n<tbody>\n");
        for (LatencyReportData.TagSummary r : rows) {
            h.append("<tr><td>").append(Html.escape(r.stream())).append("</td><td>").append(Html.escape(r.protocol()))
                    .append("</td><td>").append(r.intervals()).append("</td><td>").append(r.count())
                    .append("</td><td>").append(Micros.of(r.p50Ns())).append("</td><td>").append(Micros.of(r.p90Ns()))
                    .append("</td><td>").append(Micros.of(r.p99Ns())).append("</td><td>")
                    .append(Micros.of(r.p999Ns())).append("</td><td>").append(Micros.of(r.maxNs()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void worst(StringBuilder h, Map<String, List<LatencyReportData.WorstInterval>> worstByProtocol) {
        h.append("<h2>Worst intervals</h2>\n<p class=\"note\">Per protocol, the logged intervals with the highest ")
                .append("maximum.</p>\n");
        worstByProtocol.forEach((protocol, worst) -> {
            h.append("<h3>").append(Html.escape(protocol)).append("</h3>\n");
            worstTable(h, worst);
        });
    }

    private static void worstTable(StringBuilder h, List<LatencyReportData.WorstInterval> worst) {
        h.append("<table>\n<thead><tr><th>#</th><th>stream/protocol</th><th>start (UTC)</th><th>length s</th>")
                .append("<th>count</th><th>p99 µs</th><th>max µs</th></tr></thead>\n<tbody>\n");
        int rank = 1;
        for (LatencyReportData.WorstInterval w : worst) {
            h.append("<tr><td>").append(rank++).append("</td><td>").append(Html.escape(w.tag())).append("</td><td>")
                    .append(time(w.startMs())).append("</td><td>").append(Micros.of(w.endMs() - w.startMs()))
                    .append("</td><td>").append(w.count()).append("</td><td>").append(Micros.of(w.p99Ns()))
                    .append("</td><td>").append(Micros.of(w.maxNs())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static String time(long epochMs) {
        return UTC.format(Instant.ofEpochMilli(epochMs));
    }

    private static String duration(long ms) {
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms % 1_000 == 0 ? ms / 1_000 + " s" : ms + " ms";
    }

    private static final String CSS = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 18px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; }
            h3 { font-size: 15px; margin: 14px 0 2px; }
            .meta, .note { color: #555; margin: 4px 0; }
            svg.chart { width: 100%; height: auto; display: block; }
            svg .plot { fill: #fcfcfc; stroke: #bbb; }
            svg .grid { stroke: #eee; }
            svg .grid.major { stroke: #d4d4d4; }
            svg .series { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
            svg text { font: 11px system-ui, sans-serif; fill: #444; }
            svg .ylabel { text-anchor: end; }
            svg .xlabel, svg .xtitle, svg .ytitle { text-anchor: middle; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { padding: 2px 10px; border-bottom: 1px solid #eee; }
            th { text-align: left; background: #f4f4f4; }
            td:nth-child(n+3) { text-align: right; }
            """;
}
