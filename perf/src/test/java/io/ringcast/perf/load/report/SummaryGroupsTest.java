package io.ringcast.perf.load.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SummaryGroupsTest {
    private static final String SUMMARY = """
            {"groups": [
              {"name": "httpflv", "mode": "healthy", "connected": 100},
              {"name": "rtmp", "mode": "healthy", "connected": 99},
              {"name": "httpflv-late", "mode": "late_join", "connected": 20}
            ]}""";

    @Test
    void shouldFindAGroupByNameAndTheFirstOfAMode() throws Exception {
        JsonNode summary = new ObjectMapper().readTree(SUMMARY);
        assertEquals(99, SummaryGroups.byName(summary, "rtmp").path("connected").asInt());
        assertEquals("httpflv", SummaryGroups.byMode(summary, "healthy").path("name").asText());
        assertEquals(20, SummaryGroups.byMode(summary, "late_join").path("connected").asInt());
    }

    @Test
    void shouldGiveAMissingNodeForAnAbsentGroupOrAnEmptySummary() throws Exception {
        JsonNode summary = new ObjectMapper().readTree(SUMMARY);
        assertTrue(SummaryGroups.byName(summary, "rtmp-stalled").isMissingNode());
        assertTrue(SummaryGroups.byMode(new ObjectMapper().readTree("{}"), "healthy").path("latency").isMissingNode());
    }
}
