package io.ringcast.perf.load.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Finds a viewer group in a run's {@code summary.json}: its {@code groups} array, one {@link GroupSummary} each as
 * {@link JsonSummary} writes them. Stateless; any thread.
 */
final class SummaryGroups {
    private SummaryGroups() {
    }

    /** The group of this name ({@code httpflv}, {@code rtmp-stalled}...); a missing node when there is none. */
    static JsonNode byName(JsonNode summary, String name) {
        return first(summary, "name", name);
    }

    /** The first group of this mode ({@code healthy}, {@code late_join}...); a missing node when there is none. */
    static JsonNode byMode(JsonNode summary, String mode) {
        return first(summary, "mode", mode);
    }

    /** A missing node's paths are missing too, so callers read a group's fields without checking it first. */
    private static JsonNode first(JsonNode summary, String field, String value) {
        for (JsonNode group : summary.path("groups")) {
            if (value.equals(group.path(field).asText())) {
                return group;
            }
        }
        return MissingNode.getInstance();
    }
}
