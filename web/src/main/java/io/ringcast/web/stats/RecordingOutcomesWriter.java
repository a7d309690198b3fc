package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.record.RecordingOutcome;
import io.ringcast.broadcast.record.Recordings;

import java.io.IOException;
import java.time.Instant;

/**
 * Writes {@code GET /api/recordings}: whether recording is on, and how the latest recording files ended, newest
 * first, each with its stream, file, UTC start and end, bytes, duration and error (null for a normal end).
 * Stateless; request threads.
 */
final class RecordingOutcomesWriter {
    private RecordingOutcomesWriter() {
    }

    /** @param recordings the record plugin's service, null when recording is off */
    static void write(JsonGenerator json, Recordings recordings) throws IOException {
        json.writeStartObject();
        json.writeBooleanField("enabled", recordings != null);
        json.writeNumberField("kept", recordings == null ? 0 : recordings.outcomes().capacity());
        json.writeArrayFieldStart("recordings");
        if (recordings != null) {
            for (RecordingOutcome outcome : recordings.outcomes().newestFirst()) {
                json.writeStartObject();
                json.writeStringField("stream", outcome.stream().toString());
                json.writeStringField("file", outcome.file());
                json.writeStringField("startedAt", Instant.ofEpochMilli(outcome.startedAtEpochMs()).toString());
                json.writeStringField("endedAt", Instant.ofEpochMilli(outcome.endedAtEpochMs()).toString());
                json.writeNumberField("bytes", outcome.bytes());
                json.writeNumberField("durationMs", outcome.durationMs());
                json.writeStringField("error", outcome.error());
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}
