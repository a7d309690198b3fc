package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.ingest.hooks.HooksConfig;
import io.ringcast.ingest.hooks.HooksPlugin;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;

/**
 * Writes the {@code hooks} block of {@code /api/server}: whether hooks run, their style, timeout and
 * {@code on_failure}, the calls open now, and per hook (publish, unpublish, play, stop, record_done) its URL
 * (credentials masked), calls, allowed, refused, failed, retries and latency percentiles in µs. Stateless; request
 * threads.
 */
final class HookStatsWriter {
    private HookStatsWriter() {
    }

    static void write(JsonGenerator json, HooksPlugin plugin, HookStats stats) throws IOException {
        json.writeStartObject();
        HooksConfig config = plugin == null ? null : plugin.config();
        json.writeBooleanField("enabled", config != null && config.anyUrl());
        if (config != null) {
            json.writeStringField("style", config.style());
            json.writeNumberField("timeoutMs", config.timeoutMs());
            json.writeStringField("onFailure", config.allowOnFailure() ? "allow" : "refuse");
            json.writeNumberField("notifyRetries", config.notifyRetries());
            json.writeNumberField("inFlight", plugin.callsInFlight());
            json.writeNumberField("hlsSessions", plugin.hlsSessions());
        }
        if (stats != null) {
            json.writeObjectFieldStart("events");
            for (HookEvent event : HookEvent.values()) {
                HookStats.Snapshot s = stats.snapshot(event);
                URI url = config == null ? null : config.url(event);
                json.writeObjectFieldStart(event.key());
                if (url == null) {
                    json.writeNullField("url");
                } else {
                    json.writeStringField("url", UpstreamUrl.maskText(url.toString()));
                }
                json.writeNumberField("calls", s.calls());
                json.writeNumberField("allowed", s.allowed());
                json.writeNumberField("refused", s.refused());
                json.writeNumberField("failed", s.failed());
                json.writeNumberField("retries", s.retries());
                Histogram latency = s.latencyUs();
                json.writeObjectFieldStart("latencyUs");
                json.writeNumberField("count", latency.getTotalCount());
                json.writeNumberField("p50", latency.getValueAtPercentile(50));
                json.writeNumberField("p99", latency.getValueAtPercentile(99));
                json.writeNumberField("max", latency.getMaxValue());
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
