package io.ringcast.perf.jmh;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one {@code GET /metrics} at {@code streams} live streams (each with a publisher, two viewers and two
 * latency histograms): collecting every series from the engine and writing the exposition, as the servlet does,
 * without the HTTP round trip. The target: under 50 ms of CPU per scrape at 1,000 streams.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsScrapeBenchmark {
    @Param({"1000"})
    public int streams;

    private ThousandStreams engine;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 22);
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    @Setup(Level.Trial)
    public void setUp() {
        engine = new ThousandStreams(streams);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    /** Collect and write the Prometheus text format (what {@code curl} gets). */
    @Benchmark
    public int scrapeText() throws IOException {
        body.reset();
        text.write(body, engine.metrics().registry().scrape());
        return body.size();
    }

    /** Collect and write OpenMetrics (what a Prometheus server asks for). */
    @Benchmark
    public int scrapeOpenMetrics() throws IOException {
        body.reset();
        openMetrics.write(body, engine.metrics().registry().scrape());
        return body.size();
    }
}
