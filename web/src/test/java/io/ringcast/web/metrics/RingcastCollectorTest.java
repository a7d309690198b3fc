package io.ringcast.web.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.SubscriberStats;
import io.ringcast.broadcast.stream.WakeTarget;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.testing.FakeRelays;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The collector's series read back from the library's text writer: values from the engine's counters, labels,
 * a closed stream's series gone while the server totals keep what it did, the cardinality cap, and the latency
 * histogram's buckets from the stream's HdrHistogram. An engine that is not started, stepped by the test (manual
 * clock, {@link Engine#sampleLatency()} called here as the housekeeping thread would).
 */
@Timeout(30)
class RingcastCollectorTest {
    private static final WakeTarget NOBODY = () -> { };

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final Engine engine = new Engine(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, LimitsConfig.DEFAULTS, clock,
            Clock.systemUTC(), 1);
    private final ClosedStreamTotals closed = new ClosedStreamTotals();

    @AfterEach
    void stop() {
        engine.close();
    }

    private Scrape scrape(MetricsConfig config) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RingcastCollector(engine, config, closed));
        return Scrape.of(registry.scrape());
    }

    private SyntheticStream publish(String path) {
        SyntheticStream stream = new SyntheticStream(engine, path);
        closed.onStreamStarted(engine.streams().find(StreamPath.parse(path)));
        return stream;
    }

    /** A viewer that says what it was sent. */
    private record Viewer(String protocol, long videoBytesSent, long audioBytesSent, long framesSent)
            implements SubscriberStats {
        @Override
        public double videoBitsPerSecond() {
            return 0;
        }

        @Override
        public double audioBitsPerSecond() {
            return 0;
        }

        @Override
        public void sampleRates(long nowNs) {
        }
    }

    @Test
    void shouldExposeAStreamsCountersViewersRatesAndLatencyWithItsLabels() throws Exception {
        SyntheticStream publisher = publish("live/cam");
        Stream stream = engine.streams().find(StreamPath.parse("live/cam"));
        engine.sampleLatency();
        for (int i = 0; i < 25; i++) {
            publisher.video(SyntheticStream.videoFrame(i, i == 0, 1_000), i == 0, i * 40L);
        }
        clock.advance(Duration.ofSeconds(1));
        engine.sampleLatency();
        Viewer flv = new Viewer("httpflv", 9_000, 1_000, 30);
        stream.addSubscriber("httpflv", NOBODY, flv);
        stream.addSubscriber("rtmp", NOBODY, new Viewer("rtmp", 500, 0, 5));
        stream.addFramesSkipped(7);
        stream.countLagDisconnect();
        stream.latency("httpflv").record(TimeUnit.MICROSECONDS.toNanos(150)); // bucket 0.0002
        stream.latency("httpflv").record(TimeUnit.MILLISECONDS.toNanos(3)); // bucket 0.005
        stream.latency("httpflv").record(TimeUnit.SECONDS.toNanos(30)); // above 10 s: +Inf only
        engine.sampleLatency();

        Scrape s = scrape(MetricsConfig.DEFAULTS);
        String cam = "app=\"live\",name=\"cam\"";
        assertEquals(1.0, s.get("ringcast_stream_viewers{" + cam + ",protocol=\"httpflv\"}"), s.text());
        assertEquals(1.0, s.get("ringcast_stream_viewers{" + cam + ",protocol=\"rtmp\"}"));
        assertEquals(SyntheticStream.AVC_SEQUENCE_HEADER.length + 25 * 1_000.0,
                s.get("ringcast_stream_received_bytes_total{" + cam + ",track=\"video\"}"), "header, 25 frames");
        assertEquals(26.0, s.get("ringcast_stream_received_frames_total{" + cam + ",track=\"video\"}"));
        assertEquals(10_000.0, s.get("ringcast_stream_sent_bytes_total{" + cam + ",protocol=\"httpflv\"}"));
        assertEquals(30.0, s.get("ringcast_stream_sent_frames_total{" + cam + ",protocol=\"httpflv\"}"));
        assertEquals(7.0, s.get("ringcast_stream_frames_skipped_total{" + cam + "}"));
        assertEquals(1.0, s.get("ringcast_stream_lag_disconnects_total{" + cam + "}"));
        assertEquals(25.0 * 1_000, s.get("ringcast_stream_publisher_bytes_per_second{" + cam
                + ",track=\"video\"}"), 1.0, "25 frames of 1000 bytes in the sampled second");
        assertEquals(25.0, s.get("ringcast_stream_publisher_frames_per_second{" + cam + "}"), 0.01);
        assertEquals(1.0, s.get("ringcast_stream_state{" + cam + ",state=\"publishing\"}"));
        String latency = "ringcast_stream_latency_seconds_bucket{" + cam + ",protocol=\"httpflv\",le=";
        assertEquals(0.0, s.get(latency + "\"1.0E-4\"}"), s.text());
        assertEquals(1.0, s.get(latency + "\"2.0E-4\"}"));
        assertEquals(1.0, s.get(latency + "\"0.002\"}"));
        assertEquals(2.0, s.get(latency + "\"0.005\"}"));
        assertEquals(2.0, s.get(latency + "\"10.0\"}"));
        assertEquals(3.0, s.get(latency + "\"+Inf\"}"));
        assertEquals(3.0, s.get("ringcast_stream_latency_seconds_count{" + cam + ",protocol=\"httpflv\"}"));
        assertEquals(30.003150, s.get("ringcast_stream_latency_seconds_sum{" + cam + ",protocol=\"httpflv\"}"),
                0.05, "the values' sum within HdrHistogram's 3 digits");
        assertEquals(1.0, s.get("ringcast_streams{state=\"publishing\"}"));
        assertEquals(0.0, s.get("ringcast_streams{state=\"waiting_publisher\"}"));
        assertEquals(1.0, s.get("ringcast_viewers{protocol=\"httpflv\"}"));
        assertEquals(1.0, s.get("ringcast_publishes_started_total{protocol=\"test\"}"));
        assertEquals(1.0, s.get("ringcast_plays_started_total{protocol=\"rtmp\"}"));
        assertEquals(10_000.0, s.get("ringcast_sent_bytes_total{protocol=\"httpflv\"}"));
        assertEquals(0.0, s.get("ringcast_streams_unlabelled"));
    }

    @Test
    void shouldDropAClosedStreamsSeriesAndKeepWhatItDidInTheServerTotals() throws Exception {
        SyntheticStream publisher = publish("live/gone");
        Stream stream = engine.streams().find(StreamPath.parse("live/gone"));
        publisher.video(SyntheticStream.videoFrame(1, true, 500), true, 0);
        Viewer viewer = new Viewer("httpflv", 4_000, 0, 4);
        stream.addSubscriber("httpflv", NOBODY, viewer);
        stream.removeSubscriber("httpflv", NOBODY, viewer);
        Scrape before = scrape(MetricsConfig.DEFAULTS);
        assertEquals(4_000.0, before.get("ringcast_stream_sent_bytes_total{app=\"live\",name=\"gone\","
                + "protocol=\"httpflv\"}"), "a departed viewer's bytes stay in the stream's total");
        double received = before.get("ringcast_received_bytes_total{protocol=\"test\"}");
        assertTrue(received > 500, before.text());

        stream.close();
        publisher.close();
        Scrape after = scrape(MetricsConfig.DEFAULTS);
        assertEquals(0, after.count("ringcast_stream_"), after.text());
        assertEquals(4_000.0, after.get("ringcast_sent_bytes_total{protocol=\"httpflv\"}"));
        assertEquals(received, after.get("ringcast_received_bytes_total{protocol=\"test\"}"));
        assertEquals(1.0, after.get("ringcast_plays_started_total{protocol=\"httpflv\"}"));
        assertEquals(0.0, after.get("ringcast_streams{state=\"publishing\"}"));
    }

    @Test
    void shouldLabelAtMostMaxStreamsLabelledAndCountTheRest() throws Exception {
        for (int i = 0; i < 5; i++) {
            publish("live/s" + i);
        }
        Scrape capped = scrape(new MetricsConfig(true, true, 2));
        assertEquals(2, capped.count("ringcast_stream_state{"), capped.text());
        assertEquals(1.0, capped.get("ringcast_stream_state{app=\"live\",name=\"s0\",state=\"publishing\"}"));
        assertEquals(1.0, capped.get("ringcast_stream_state{app=\"live\",name=\"s1\",state=\"publishing\"}"));
        assertNull(capped.get("ringcast_stream_state{app=\"live\",name=\"s2\",state=\"publishing\"}"));
        assertEquals(3.0, capped.get("ringcast_streams_unlabelled"));
        assertEquals(5.0, capped.get("ringcast_streams{state=\"publishing\"}"));

        Scrape off = scrape(new MetricsConfig(true, false, 1_000));
        assertEquals(0, off.count("ringcast_stream_"), off.text());
        assertEquals(5.0, off.get("ringcast_streams_unlabelled"));
    }

    @Test
    void shouldExposeEveryServerCounterByProtocolAndReason() throws Exception {
        engine.counters().counter("rtmp.refused.max_connections").addAndGet(3);
        engine.counters().counter("http.closed.write_timeout").incrementAndGet();
        engine.counters().counter("hooks.publish.calls").addAndGet(2);
        Scrape s = scrape(MetricsConfig.DEFAULTS);
        assertEquals(3.0, s.get("ringcast_connections_refused_total{protocol=\"rtmp\",reason=\"max_connections\"}"),
                s.text());
        assertEquals(1.0, s.get("ringcast_connections_closed_total{protocol=\"http\",reason=\"write_timeout\"}"));
        assertEquals(2.0, s.get("ringcast_server_events_total{event=\"hooks.publish.calls\"}"));
        assertEquals(0.0, s.get("ringcast_admissions_refused_total{reason=\"max_streams\",role=\"publisher\"}"));
        assertEquals(0.0, s.get("ringcast_streams_closed_total{reason=\"no_media\"}"));
        assertEquals((double) engine.streams().maxStreams(), s.get("ringcast_streams_max"), "fewer than 1000: memory");
    }

    @Test
    void shouldExposeEachListenersOpenConnectionsAndNoneOfAStoppedOne() throws Exception {
        java.util.function.IntSupplier rtmp = () -> 7;
        engine.counters().countOpenConnections("rtmp", rtmp);
        engine.counters().countOpenConnections("http", () -> 12);
        Scrape s = scrape(MetricsConfig.DEFAULTS);
        assertEquals(7.0, s.get("ringcast_connections{protocol=\"rtmp\"}"), s.text());
        assertEquals(12.0, s.get("ringcast_connections{protocol=\"http\"}"));
        engine.counters().stopCountingOpenConnections("rtmp", rtmp);
        Scrape after = scrape(MetricsConfig.DEFAULTS);
        assertEquals(1, after.count("ringcast_connections{"), after.text());
    }

    @Test
    void shouldExposeAStreamsRelayStatesOnlyWhenRelaysExist() throws Exception {
        publish("live/relayed");
        assertEquals(0, scrape(MetricsConfig.DEFAULTS).count("ringcast_stream_relay_state"), "no relay, no family");
        FakeRelays relays = new FakeRelays();
        relays.add(FakeRelays.view("push", "live", "relayed", "rtmp://127.0.0.1:1/live/out"));
        engine.registerService(Relays.class, relays);
        Scrape s = scrape(MetricsConfig.DEFAULTS);
        assertEquals(1.0, s.get("ringcast_stream_relay_state{app=\"live\",direction=\"push\",name=\"relayed\","
                + "relay=\"push:live/relayed\",state=\"live\"}"), s.text());
    }
}
