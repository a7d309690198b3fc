package io.ringcast.web.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A scrape in the Prometheus text format read back as series ({@code name{labels}}) to values, for tests. */
public record Scrape(String text, Map<String, Double> series) {
    /** Writes {@code snapshots} with the library's text writer and reads every sample line back. */
    public static Scrape of(MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, snapshots);
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    /** Reads the sample lines of a text-format (or OpenMetrics) body; the series keep their label order. */
    public static Scrape parse(String text) {
        Map<String, Double> series = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            int split = close >= 0 ? close + 1 : line.indexOf(' ');
            String key = line.substring(0, split);
            String value = line.substring(split).trim().split(" ")[0]; // a timestamp may follow
            series.put(key, value.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value));
        }
        return new Scrape(text, series);
    }

    /** The value of one series, or null when the scrape has none. */
    public Double get(String series) {
        return this.series.get(series);
    }

    /** How many series start with {@code prefix}. */
    public long count(String prefix) {
        return series.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }
}
