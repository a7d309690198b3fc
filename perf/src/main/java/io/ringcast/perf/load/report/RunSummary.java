package io.ringcast.perf.load.report;

import java.util.List;
import java.util.Map;

/**
 * The result of one run: its configuration, the measured window, publisher, every viewer group (late joiners are
 * groups of mode {@code late_join}) and CPU. Immutable.
 *
 * @param startedAt     ISO-8601 UTC time the run started
 * @param windowSeconds length of the measured window
 */
public record RunSummary(String label, String startedAt, Map<String, Object> config, double windowSeconds,
                         PublisherSummary publisher, List<GroupSummary> groups, CpuSummary cpu) {
}
