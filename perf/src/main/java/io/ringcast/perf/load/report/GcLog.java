package io.ringcast.perf.load.report;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap after each collection and pause times from a unified JVM GC log. G1 ({@code -Xlog:gc}):
 * {@code GC(7) Pause Young (Normal) (G1 Evacuation Pause) 52M->9M(256M) 3.120ms}, one line per pause with the heap.
 * ZGC ({@code -Xlog:gc,gc+phases}): {@code GC(3) Garbage Collection (Proactive) 158M(15%)->54M(5%)} per cycle and
 * {@code GC(3) Pause Mark Start 0.006ms} per pause. Immutable.
 */
public record GcLog(int count, long firstAfterMb, long minAfterMb, long maxAfterMb, long lastAfterMb,
                    double maxPauseMs) {
    private static final Pattern HEAP_AFTER = Pattern.compile("GC\\(\\d+\\) (?:Pause|Garbage Collection) .*?"
            + "\\d+M(?:\\(\\d+%\\))?->(\\d+)M");
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause .*? ([0-9.]+)ms\\s*$");

    public static GcLog parse(List<String> lines) {
        int count = 0;
        long first = -1;
        long min = Long.MAX_VALUE;
        long max = 0;
        long last = -1;
        double maxPause = 0;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                maxPause = Math.max(maxPause, Double.parseDouble(pause.group(1)));
            }
            Matcher heap = HEAP_AFTER.matcher(line);
            if (!heap.find()) {
                continue;
            }
            long after = Long.parseLong(heap.group(1));
            count++;
            first = first < 0 ? after : first;
            min = Math.min(min, after);
            max = Math.max(max, after);
            last = after;
        }
        return new GcLog(count, first, count == 0 ? -1 : min, max, last, maxPause);
    }
}
