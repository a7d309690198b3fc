package io.ringcast.perf.load.report;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap after each collection and pause times from a unified JVM GC log ({@code -Xlog:gc}): lines such as
 * {@code [12.3s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 52M->9M(256M) 3.120ms}. Immutable.
 */
public record GcLog(int count, long firstAfterMb, long minAfterMb, long maxAfterMb, long lastAfterMb,
                    double maxPauseMs) {
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .*? (\\d+)M->(\\d+)M\\(\\d+M\\) "
            + "([0-9.]+)ms");

    public static GcLog parse(List<String> lines) {
        int count = 0;
        long first = -1;
        long min = Long.MAX_VALUE;
        long max = 0;
        long last = -1;
        double maxPause = 0;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (!m.find()) {
                continue;
            }
            long after = Long.parseLong(m.group(2));
            count++;
            first = first < 0 ? after : first;
            min = Math.min(min, after);
            max = Math.max(max, after);
            last = after;
            maxPause = Math.max(maxPause, Double.parseDouble(m.group(3)));
        }
        return new GcLog(count, first, count == 0 ? -1 : min, max, last, maxPause);
    }
}
