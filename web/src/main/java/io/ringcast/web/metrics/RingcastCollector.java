package io.ringcast.web.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.latency.LatencyBuckets;
import io.ringcast.broadcast.latency.LatencyStats;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamActivity;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the engine's own counters at scrape time and turns them into Prometheus snapshots: server-wide series
 * ({@code ringcast_*}) and, with {@code [metrics] per_stream}, series per stream labelled {@code app} and
 * {@code name} ({@code ringcast_stream_*}) for at most {@code max_streams_labelled} streams. Nothing is mirrored, so
 * a closed stream's series are gone from the next scrape. Runs on the scraping request's thread (several scrapes may
 * run at once); reads the engine's thread-safe stats and never touches the frame path.
 */
final class RingcastCollector implements MultiCollector {
    /** A server counter named {@code protocol.refused|closed.reason} (see {@code GET /api/server}). */
    private static final Pattern CONNECTION_COUNTER = Pattern.compile("([a-z0-9]+)\\.(refused|closed)\\.([a-z0-9_]+)");
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] LATENCY_BOUNDS_S = latencyBoundsSeconds();
    private static final Comparator<Stream> BY_PATH = Comparator.comparing((Stream s) -> s.path().app())
            .thenComparing(s -> s.path().name());

    private final Engine engine;
    private final MetricsConfig config;
    private final ClosedStreamTotals closed;

    RingcastCollector(Engine engine, MetricsConfig config, ClosedStreamTotals closed) {
        this.engine = engine;
        this.config = config;
        this.closed = closed;
    }

    @Override
    public MetricSnapshots collect() {
        StreamRegistry registry = engine.streams();
        List<Stream> streams = new ArrayList<>();
        for (Stream s : registry.streams()) {
            if (!s.isClosed()) {
                streams.add(s);
            }
        }
        streams.sort(BY_PATH);
        List<StreamView> views = new ArrayList<>(streams.size());
        for (Stream s : streams) {
            views.add(new StreamView(s, s.subscribersByProtocol(), s.activity().totals(s.subscribers())));
        }
        List<MetricSnapshot> out = new ArrayList<>();
        collectServer(registry, views, out);
        int labelled = config.perStream() ? Math.min(streams.size(), config.maxStreamsLabelled()) : 0;
        out.add(gauge("ringcast_streams_unlabelled", "Live streams without series of their own ([metrics] "
                + "per_stream off, or beyond max_streams_labelled)").dataPoint(point(streams.size() - labelled,
                Labels.EMPTY)).build());
        if (labelled > 0) {
            new StreamFamilies(views.subList(0, labelled), engine.service(Relays.class)).addTo(out);
        }
        HookStats hooks = engine.service(HookStats.class);
        if (hooks != null) {
            HookFamilies.addTo(hooks, out);
        }
        return new MetricSnapshots(out);
    }

    /** One stream as read once per scrape: its viewers and its activity totals by protocol. */
    private record StreamView(Stream stream, Map<String, Integer> viewers,
                              Map<String, StreamActivity.Totals> activity) {
    }

    private void collectServer(StreamRegistry registry, List<StreamView> streams, List<MetricSnapshot> out) {
        Map<StreamState, Integer> byState = new EnumMap<>(StreamState.class);
        Map<String, Long> viewers = new TreeMap<>();
        Map<String, long[]> totals = new TreeMap<>();
        closed.addTo(totals);
        for (StreamView v : streams) {
            byState.merge(v.stream().state(), 1, Integer::sum);
            v.viewers().forEach((p, n) -> viewers.merge(p, (long) n, Long::sum));
            ClosedStreamTotals.addStream(v.stream(), v.activity(), totals);
        }
        GaugeSnapshot.Builder states = gauge("ringcast_streams", "Live streams by state");
        for (StreamState state : StreamState.values()) {
            if (state != StreamState.CLOSED) {
                states.dataPoint(point(byState.getOrDefault(state, 0), Labels.of("state", lower(state))));
            }
        }
        out.add(states.build());
        out.add(gauge("ringcast_streams_max", "Most live streams allowed now ([limits] max_streams, or fewer for "
                + "want of direct memory)").dataPoint(point(registry.maxStreams(), Labels.EMPTY)).build());
        GaugeSnapshot.Builder viewerGauge = gauge("ringcast_viewers", "Viewers of every stream by protocol");
        viewers.forEach((p, n) -> viewerGauge.dataPoint(point(n, Labels.of("protocol", p))));
        out.add(viewerGauge.build());
        Map<String, Integer> open = engine.counters().openConnections();
        if (!open.isEmpty()) { // none in a WAR without RTMP: the container's HTTP connections are its own
            GaugeSnapshot.Builder connections = gauge("ringcast_connections", "Open connections by protocol");
            open.forEach((protocol, n) -> connections.dataPoint(point(n, Labels.of("protocol", protocol))));
            out.add(connections.build());
        }
        out.add(gauge("ringcast_direct_memory_budget_bytes", "Direct memory the track rings may reserve")
                .unit(Unit.BYTES).dataPoint(point(registry.directMemoryBudget().capacityBytes(), Labels.EMPTY))
                .build());
        out.add(gauge("ringcast_direct_memory_reserved_bytes", "Direct memory the track rings reserve now")
                .unit(Unit.BYTES).dataPoint(point(registry.directMemoryBudget().reservedBytes(), Labels.EMPTY))
                .build());
        out.add(gauge("ringcast_ring_memory_bytes", "Direct memory allocated for track rings: in streams' rings, or "
                + "idle for the next streams").unit(Unit.BYTES)
                .dataPoint(point(registry.ringMemory().allocatedBytes() - registry.ringMemory().idleBytes(),
                        Labels.of("state", "in_use")))
                .dataPoint(point(registry.ringMemory().idleBytes(), Labels.of("state", "idle")))
                .build());
        out.add(totalsCounter("ringcast_publishes_started", "Publisher sessions started, by protocol", totals,
                ClosedStreamTotals.PUBLISHES, null));
        out.add(totalsCounter("ringcast_plays_started", "Viewers counted in (HLS: audiences), by protocol", totals,
                ClosedStreamTotals.PLAYS, null));
        out.add(totalsCounter("ringcast_received_bytes", "Media payload bytes received from publishers, by "
                + "publisher protocol", totals, ClosedStreamTotals.BYTES_RECEIVED, Unit.BYTES));
        out.add(totalsCounter("ringcast_sent_bytes", "Media payload bytes sent to viewers and pushes, by protocol",
                totals, ClosedStreamTotals.BYTES_SENT, Unit.BYTES));
        collectRefusals(registry, out);
    }

    /** Every counter of {@code GET /api/server}: refusals and closes by protocol and reason, and the others. */
    private void collectRefusals(StreamRegistry registry, List<MetricSnapshot> out) {
        CounterSnapshot.Builder refused = counter("ringcast_connections_refused",
                "Connections refused at accept, by protocol and limit");
        CounterSnapshot.Builder closedBy = counter("ringcast_connections_closed",
                "Connections the server closed, by protocol and reason");
        CounterSnapshot.Builder other = counter("ringcast_server_events",
                "Other server counters of GET /api/server, by name");
        boolean anyOther = false;
        for (Map.Entry<String, Long> e : engine.counters().snapshot().entrySet()) {
            Matcher m = CONNECTION_COUNTER.matcher(e.getKey());
            if (m.matches()) {
                Labels labels = Labels.of("protocol", m.group(1), "reason", m.group(3));
                ("refused".equals(m.group(2)) ? refused : closedBy).dataPoint(count(e.getValue(), labels));
            } else {
                other.dataPoint(count(e.getValue(), Labels.of("event", e.getKey())));
                anyOther = true;
            }
        }
        out.add(refused.build());
        out.add(closedBy.build());
        if (anyOther) {
            out.add(other.build());
        }
        out.add(counter("ringcast_admissions_refused", "Publishers and viewers refused for a limit")
                .dataPoint(count(registry.publishersRefused(), Labels.of("role", "publisher", "reason",
                        "max_streams")))
                .dataPoint(count(registry.publishersRefusedDirectMemory(), Labels.of("role", "publisher",
                        "reason", "direct_memory")))
                .dataPoint(count(registry.viewersRefused(), Labels.of("role", "viewer", "reason",
                        "max_viewers_per_stream")))
                .build());
        out.add(counter("ringcast_streams_closed", "Streams the server closed for a limit, by reason")
                .dataPoint(count(registry.closedForNoMedia(), Labels.of("reason", "no_media"))).build());
    }

    private static CounterSnapshot totalsCounter(String name, String help, Map<String, long[]> totals, int field,
                                                 Unit unit) {
        CounterSnapshot.Builder b = counter(name, help);
        if (unit != null) {
            b.unit(unit);
        }
        totals.forEach((protocol, t) -> b.dataPoint(count(t[field], Labels.of("protocol", protocol))));
        return b.build();
    }

    /** The per-stream families, filled in one pass over the labelled streams. */
    private static final class StreamFamilies {
        private final CounterSnapshot.Builder bytesIn = counter("ringcast_stream_received_bytes",
                "Media payload bytes received from the stream's publishers, by track").unit(Unit.BYTES);
        private final CounterSnapshot.Builder framesIn = counter("ringcast_stream_received_frames",
                "Frames received from the stream's publishers, by track");
        private final CounterSnapshot.Builder bytesOut = counter("ringcast_stream_sent_bytes",
                "Media payload bytes sent to the stream's viewers and pushes, by protocol").unit(Unit.BYTES);
        private final CounterSnapshot.Builder framesOut = counter("ringcast_stream_sent_frames",
                "Frames sent to the stream's viewers and pushes, by protocol");
        private final CounterSnapshot.Builder skipped = counter("ringcast_stream_frames_skipped",
                "Frames slow viewers skipped (lapped or too far behind)");
        private final CounterSnapshot.Builder lagDisconnects = counter("ringcast_stream_lag_disconnects",
                "Viewers disconnected for staying too far behind");
        private final CounterSnapshot.Builder overwrittenCuts = counter("ringcast_stream_overwritten_mid_write_cuts",
                "Viewers cut because the publisher overwrote a frame in the ring while it was being written to them");
        private final GaugeSnapshot.Builder viewers = gauge("ringcast_stream_viewers",
                "Viewers of the stream by protocol");
        private final GaugeSnapshot.Builder state = gauge("ringcast_stream_state",
                "1 for the stream's lifecycle state");
        /** Bytes, not bits: Prometheus' base unit (promtool says so); a dashboard multiplies by 8. */
        private final GaugeSnapshot.Builder bitrate = gauge("ringcast_stream_publisher_bytes_per_second",
                "The publisher's data rate by track over the last second (bitrate / 8)");
        private final GaugeSnapshot.Builder fps = gauge("ringcast_stream_publisher_frames_per_second",
                "The publisher's video frame rate over the last second");
        private final GaugeSnapshot.Builder relay = gauge("ringcast_stream_relay_state",
                "1 for each relay (pull or push) of the stream in its current state");
        private final HistogramSnapshot.Builder latency = HistogramSnapshot.builder()
                .name("ringcast_stream_latency_seconds").unit(Unit.SECONDS)
                .help("Server-added latency (frame ingest to write completion) by viewer protocol");
        private final List<StreamView> streams;
        private final Relays relays;
        private boolean anyRelay;

        StreamFamilies(List<StreamView> streams, Relays relays) {
            this.streams = streams;
            this.relays = relays;
        }

        void addTo(List<MetricSnapshot> out) {
            long[] counts = new long[LatencyBuckets.boundCount() + 1];
            Map<String, Labels> byProtocol = new TreeMap<>();
            for (StreamView v : streams) {
                add(v, counts, byProtocol);
            }
            out.add(viewers.build());
            out.add(state.build());
            out.add(bytesIn.build());
            out.add(framesIn.build());
            out.add(bytesOut.build());
            out.add(framesOut.build());
            out.add(skipped.build());
            out.add(lagDisconnects.build());
            out.add(overwrittenCuts.build());
            out.add(bitrate.build());
            out.add(fps.build());
            out.add(latency.build());
            if (anyRelay) {
                out.add(relay.build());
            }
        }

        /** Adds one stream's points; {@code byProtocol} is scratch for its labels per protocol (built once each). */
        private void add(StreamView v, long[] counts, Map<String, Labels> byProtocol) {
            Stream s = v.stream();
            Labels stream = Labels.of("app", s.path().app(), "name", s.path().name());
            byProtocol.clear();
            java.util.function.Function<String, Labels> withProtocol = p -> stream.add("protocol", p);
            state.dataPoint(point(1, stream.add("state", lower(s.state()))));
            v.viewers().forEach((p, n) -> viewers.dataPoint(point(n, byProtocol.computeIfAbsent(p, withProtocol))));
            boolean publishing = s.publisher() != null;
            for (TrackKind kind : TrackKind.values()) {
                TrackRing ring = s.track(kind);
                if (ring == null) {
                    continue;
                }
                Labels track = stream.add("track", lower(kind));
                bytesIn.dataPoint(count(ring.bytesPublished(), track));
                framesIn.dataPoint(count(ring.framesPublished(), track));
                if (publishing && ring.format() != null) {
                    bitrate.dataPoint(point(ring.rates().bitsPerSecond() / Byte.SIZE, track));
                    if (kind == TrackKind.VIDEO) {
                        fps.dataPoint(point(ring.rates().framesPerSecond(), stream));
                    }
                }
            }
            for (Map.Entry<String, StreamActivity.Totals> e : v.activity().entrySet()) {
                Labels protocol = byProtocol.computeIfAbsent(e.getKey(), withProtocol);
                bytesOut.dataPoint(count(e.getValue().bytesSent(), protocol));
                framesOut.dataPoint(count(e.getValue().framesSent(), protocol));
            }
            skipped.dataPoint(count(s.framesSkipped(), stream));
            lagDisconnects.dataPoint(count(s.subscribersDisconnectedForLag(), stream));
            overwrittenCuts.dataPoint(count(s.subscribersCutOverwrittenMidWrite(), stream));
            for (LatencyStats stats : s.latencyByProtocol().values()) {
                double sumNs = stats.bucketCounts(counts);
                latency.dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(LATENCY_BOUNDS_S, counts.clone()))
                        .sum(sumNs / NANOS_PER_SECOND)
                        .labels(byProtocol.computeIfAbsent(stats.protocol(), withProtocol))
                        .build());
            }
            if (relays != null) {
                for (RelayView r : relays.relaysOf(s.path())) {
                    anyRelay = true;
                    relay.dataPoint(point(1, stream.add("relay", r.key()).add("direction", r.direction())
                            .add("state", lower(r.state()))));
                }
            }
        }
    }

    private static double[] latencyBoundsSeconds() {
        double[] bounds = new double[LatencyBuckets.boundCount() + 1];
        for (int i = 0; i < LatencyBuckets.boundCount(); i++) {
            bounds[i] = LatencyBuckets.upperBoundNs(i) / NANOS_PER_SECOND;
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        return bounds;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    /** The library adds {@code _total} to a counter's name in the exposition. */
    private static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }

    private static GaugeDataPointSnapshot point(long value, Labels labels) {
        return point((double) value, labels);
    }

    /** Counts stay far below 2^53, where a double is exact. */
    private static CounterDataPointSnapshot count(long value, Labels labels) {
        return CounterDataPointSnapshot.builder().value((double) value).labels(labels).build();
    }
}
