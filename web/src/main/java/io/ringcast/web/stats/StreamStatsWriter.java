package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.latency.LatencyStats;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.SourceRole;
import io.ringcast.broadcast.stream.SourceSwitch;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.broadcast.hls.HlsStats;
import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlPart;
import io.ringcast.broadcast.llhls.LlWindow;
import io.ringcast.broadcast.record.RecordingStatus;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes one stream's stats as a JSON object: path, state, source, relays, publisher with per-track codec facts
 * and rates,
 * subscribers by protocol, skips, lag disconnects and server-added latency per protocol in microseconds, plus its
 * HLS and recording blocks when it has those.
 * Stateless; runs on the request thread and reads the engine's thread-safe stats.
 */
public final class StreamStatsWriter {
    private static final double NANOS_PER_MICRO = 1_000.0;
    /** The publisher protocol of a relay's pull (the relay plugin's {@code PublisherInfo}). */
    public static final String PULL = "pull";

    private StreamStatsWriter() {
    }

    public static void write(JsonGenerator json, Stream stream) throws IOException {
        write(json, stream, null);
    }

    /**
     * As {@link #write(JsonGenerator, Stream)}, with the stream's HLS packaging facts when HLS runs.
     */
    public static void write(JsonGenerator json, Stream stream, HlsStream hls) throws IOException {
        write(json, stream, hls, null);
    }

    /** As {@link #write(JsonGenerator, Stream, HlsStream)}, with the given recording status (null: none). */
    public static void write(JsonGenerator json, Stream stream, HlsStream hls, RecordingStatus recording)
            throws IOException {
        write(json, stream, hls, recording, null, null);
    }

    /**
     * As {@link #write(JsonGenerator, Stream, HlsStream, RecordingStatus)}, plus the stream's {@code source}, its
     * {@code relays} when not null ({@link RelayViewWriter}) and its LL-HLS window when {@code ll} is not null.
     */
    public static void write(JsonGenerator json, Stream stream, HlsStream hls, RecordingStatus recording,
                             List<RelayView> relays, LlHlsStream ll) throws IOException {
        json.writeStartObject();
        json.writeStringField("path", stream.path().toString());
        json.writeStringField("state", stream.state().name());
        writeSource(json, stream);
        if (relays != null) {
            json.writeFieldName("relays");
            RelayViewWriter.writeArray(json, relays);
        }
        writePublisher(json, stream);
        writeSubscribers(json, stream);
        json.writeNumberField("framesSkipped", stream.framesSkipped());
        json.writeNumberField("lagDisconnects", stream.subscribersDisconnectedForLag());
        json.writeNumberField("overwrittenMidWriteCuts", stream.subscribersCutOverwrittenMidWrite());
        json.writeObjectFieldStart("latency");
        for (Map.Entry<String, LatencyStats> e : stream.latencyByProtocol().entrySet()) {
            writeLatency(json, e.getKey(), e.getValue().total());
        }
        json.writeEndObject();
        if (hls != null) {
            writeHls(json, hls);
        }
        if (ll != null) {
            writeLlHls(json, ll);
        }
        if (recording != null) {
            writeRecording(json, recording);
        }
        json.writeEndObject();
    }

    /** Whether it runs, its file, what it wrote and skipped, and the error that stopped it (null if none). */
    private static void writeRecording(JsonGenerator json, RecordingStatus recording) throws IOException {
        json.writeObjectFieldStart("recording");
        json.writeBooleanField("active", recording.active());
        json.writeStringField("file", recording.currentFile());
        json.writeNumberField("bytesWritten", recording.bytesWritten());
        json.writeNumberField("filesWritten", recording.filesWritten());
        json.writeNumberField("framesWritten", recording.framesWritten());
        json.writeNumberField("framesSkipped", recording.framesSkipped());
        json.writeNumberField("overruns", recording.overruns());
        json.writeStringField("lastError", recording.lastError());
        json.writeEndObject();
    }

    /** Segments published, the newest one's availability (ingest of its first frame to publication) and drops. */
    private static void writeHls(JsonGenerator json, HlsStream hls) throws IOException {
        HlsStats stats = hls.stats();
        json.writeObjectFieldStart("hls");
        json.writeNumberField("segmentsPublished", stats.segmentsPublished());
        long lastNs = stats.lastAvailabilityLatencyNs();
        if (lastNs >= 0) {
            json.writeNumberField("lastSegmentAvailableAfterMs", lastNs / 1_000_000.0);
        }
        json.writeNumberField("segmentsInWindow", hls.window().segments().size());
        json.writeNumberField("framesMuxed", stats.framesMuxed());
        json.writeNumberField("framesDropped", stats.framesDropped());
        json.writeNumberField("framesIgnored", stats.framesIgnored());
        json.writeEndObject();
    }

    /**
     * The LL-HLS window: part target, complete segments and parts listed, the newest part ({@code "msn.part"}, null
     * before the first) and the blocking playlist reloads waiting now.
     */
    private static void writeLlHls(JsonGenerator json, LlHlsStream ll) throws IOException {
        LlWindow window = ll.window();
        json.writeObjectFieldStart("llhls");
        json.writeNumberField("partTargetMs", ll.config().partDurationMs());
        json.writeNumberField("segmentsInWindow", window.segments().size());
        json.writeNumberField("openParts", window.openParts().size());
        LlPart last = window.lastPart();
        json.writeStringField("lastPart", last == null ? null : last.sequence() + "." + last.index());
        json.writeNumberField("blockingReloadsWaiting", ll.waiting());
        json.writeEndObject();
    }

    /**
     * Where the stream comes from: {@code {"type":"publisher"|"pull","protocol","remote"}}, null while it has no
     * publisher. A relay's pull publishes with protocol {@value #PULL} and its masked upstream URL as the remote.
     * A stream with a backup source adds {@code "active":"primary"|"backup"|null}, {@code "primary"} and
     * {@code "backup"} (each {@code {"type","protocol","remote","active","framesOffered"}} or null),
     * {@code "switchAfterMs"}, {@code "switchesToBackup"} and {@code "switchesToPrimary"}; its top-level type,
     * protocol and remote are the primary's (the backup's while no primary publishes).
     */
    private static void writeSource(JsonGenerator json, Stream stream) throws IOException {
        SourceSwitch sources = stream.sources();
        StreamPublisher publisher = stream.publisher();
        if (publisher == null && sources != null) {
            publisher = sources.backup();
        }
        if (publisher == null) {
            json.writeNullField("source");
            return;
        }
        json.writeObjectFieldStart("source");
        writeOrigin(json, publisher);
        if (sources != null) {
            SourceRole active = sources.active();
            if (active == null) {
                json.writeNullField("active");
            } else {
                json.writeStringField("active", active.label());
            }
            writeSwitchedSource(json, "primary", sources.primary());
            writeSwitchedSource(json, "backup", sources.backup());
            json.writeNumberField("switchAfterMs", sources.switchAfterMs());
            json.writeNumberField("switchesToBackup", sources.switchesToBackup());
            json.writeNumberField("switchesToPrimary", sources.switchesToPrimary());
        }
        json.writeEndObject();
    }

    private static void writeOrigin(JsonGenerator json, StreamPublisher publisher) throws IOException {
        PublisherInfo info = publisher.info();
        boolean pull = PULL.equals(info.protocol());
        json.writeStringField("type", pull ? PULL : "publisher");
        json.writeStringField("protocol", info.protocol());
        json.writeStringField("remote", pull ? UpstreamUrl.maskText(info.remoteAddress()) : info.remoteAddress());
    }

    private static void writeSwitchedSource(JsonGenerator json, String field, StreamPublisher source)
            throws IOException {
        if (source == null) {
            json.writeNullField(field);
            return;
        }
        json.writeObjectFieldStart(field);
        writeOrigin(json, source);
        json.writeBooleanField("active", source.isActive());
        json.writeNumberField("framesOffered", source.framesOffered());
        json.writeEndObject();
    }

    private static void writePublisher(JsonGenerator json, Stream stream) throws IOException {
        StreamPublisher publisher = stream.publisher();
        if (publisher == null) {
            json.writeNullField("publisher");
            return;
        }
        PublisherInfo info = publisher.info();
        json.writeObjectFieldStart("publisher");
        json.writeStringField("protocol", info.protocol());
        json.writeStringField("remoteAddress", info.remoteAddress());
        json.writeStringField("since", Instant.ofEpochMilli(info.sinceEpochMs()).toString());
        writeVideo(json, stream.track(TrackKind.VIDEO));
        writeAudio(json, stream.track(TrackKind.AUDIO));
        json.writeEndObject();
    }

    private static void writeVideo(JsonGenerator json, TrackRing ring) throws IOException {
        TrackFormat format = ring == null ? null : ring.format();
        if (format == null) {
            json.writeNullField("video");
            return;
        }
        json.writeObjectFieldStart("video");
        json.writeStringField("codec", format.codec().displayName());
        json.writeNumberField("width", format.width());
        json.writeNumberField("height", format.height());
        json.writeNumberField("fps", round2(ring.rates().framesPerSecond()));
        writeTraffic(json, ring);
        json.writeEndObject();
    }

    private static void writeAudio(JsonGenerator json, TrackRing ring) throws IOException {
        TrackFormat format = ring == null ? null : ring.format();
        if (format == null) {
            json.writeNullField("audio");
            return;
        }
        json.writeObjectFieldStart("audio");
        json.writeStringField("codec", format.codec().displayName());
        json.writeNumberField("sampleRateHz", format.sampleRateHz());
        json.writeNumberField("channels", format.channels());
        writeTraffic(json, ring);
        json.writeEndObject();
    }

    private static void writeTraffic(JsonGenerator json, TrackRing ring) throws IOException {
        json.writeNumberField("bytes", ring.bytesPublished());
        json.writeNumberField("bitrateBps", Math.round(ring.rates().bitsPerSecond()));
    }

    private static void writeSubscribers(JsonGenerator json, Stream stream) throws IOException {
        json.writeObjectFieldStart("subscribers");
        json.writeObjectFieldStart("byProtocol");
        int total = 0;
        for (Map.Entry<String, Integer> e : stream.subscribersByProtocol().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
            total += e.getValue();
        }
        json.writeEndObject();
        json.writeNumberField("total", total);
        json.writeEndObject();
    }

    private static void writeLatency(JsonGenerator json, String protocol, Histogram totalNs) throws IOException {
        json.writeObjectFieldStart(protocol);
        json.writeNumberField("count", totalNs.getTotalCount());
        json.writeNumberField("p50Us", micros(totalNs.getValueAtPercentile(50)));
        json.writeNumberField("p99Us", micros(totalNs.getValueAtPercentile(99)));
        json.writeNumberField("p999Us", micros(totalNs.getValueAtPercentile(99.9)));
        json.writeNumberField("maxUs", micros(totalNs.getMaxValue()));
        json.writeEndObject();
    }

    private static double micros(long nanos) {
        return round2(nanos / NANOS_PER_MICRO);
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
