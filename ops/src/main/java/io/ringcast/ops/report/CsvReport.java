package io.ringcast.ops.report;

import java.io.IOException;

/**
 * The per stream and protocol table of a report as CSV (RFC 4180, CRLF line ends): a header row, then one row per
 * stream and protocol in the report's order, latencies in microseconds with three decimals.
 */
public final class CsvReport {
    public static final String HEADER = "stream,protocol,intervals,count,p50_us,p90_us,p99_us,p99_9_us,max_us";

    private CsvReport() {
    }

    public static void write(LatencyReportData data, Appendable out) throws IOException {
        out.append(HEADER).append("\r\n");
        for (LatencyReportData.TagSummary row : data.tags()) {
            out.append(field(row.stream())).append(',').append(field(row.protocol())).append(',')
                    .append(Long.toString(row.intervals())).append(',').append(Long.toString(row.count()))
                    .append(',').append(Micros.of(row.p50Ns())).append(',').append(Micros.of(row.p90Ns()))
                    .append(',').append(Micros.of(row.p99Ns())).append(',').append(Micros.of(row.p999Ns()))
                    .append(',').append(Micros.of(row.maxNs())).append("\r\n");
        }
    }

    public static String toString(LatencyReportData data) {
        StringBuilder sb = new StringBuilder();
        try {
            write(data, sb);
        } catch (IOException e) {
            throw new AssertionError("StringBuilder does not throw", e);
        }
        return sb.toString();
    }

    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
