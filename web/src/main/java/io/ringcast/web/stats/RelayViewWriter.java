package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.io.IOException;
import java.util.List;

/**
 * Writes relays as the stats API shows them ({@code /api/relays}, each stream's {@code relays} in
 * {@code /api/streams}): every field of {@link RelayView} under its own name, state as its enum name, times as epoch
 * milliseconds. URLs come masked from the relay manager and are masked again here, so a credential never reaches
 * the API whoever made the view. Stateless; request threads.
 */
public final class RelayViewWriter {
    private RelayViewWriter() {
    }

    /** Writes {@code relays} as a JSON array (the current field name, if any, set by the caller). */
    public static void writeArray(JsonGenerator json, List<RelayView> relays) throws IOException {
        json.writeStartArray();
        for (RelayView relay : relays) {
            write(json, relay);
        }
        json.writeEndArray();
    }

    /** Writes one relay as a JSON object. */
    public static void write(JsonGenerator json, RelayView relay) throws IOException {
        json.writeStartObject();
        json.writeStringField("key", UpstreamUrl.maskText(relay.key()));
        json.writeStringField("direction", relay.direction());
        json.writeStringField("path", relay.path() == null ? null : relay.path().toString());
        json.writeStringField("origin", relay.origin());
        json.writeArrayFieldStart("urls");
        if (relay.urls() != null) {
            for (String url : relay.urls()) {
                json.writeString(UpstreamUrl.maskText(url));
            }
        }
        json.writeEndArray();
        json.writeStringField("currentUrl", relay.currentUrl() == null ? null
                : UpstreamUrl.maskText(relay.currentUrl()));
        json.writeStringField("state", relay.state() == null ? null : relay.state().name());
        json.writeNumberField("retryAtEpochMs", relay.retryAtEpochMs());
        json.writeStringField("failure", relay.failure());
        json.writeNumberField("bytes", relay.bytes());
        json.writeNumberField("frames", relay.frames());
        json.writeNumberField("reconnects", relay.reconnects());
        json.writeNumberField("skips", relay.skips());
        json.writeNumberField("sinceEpochMs", relay.sinceEpochMs());
        json.writeEndObject();
    }
}
