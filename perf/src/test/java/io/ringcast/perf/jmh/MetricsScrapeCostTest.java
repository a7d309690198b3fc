package io.ringcast.perf.jmh;

import com.sun.management.ThreadMXBean;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scrape-cost target as a bounded test: at 1,000 live streams one scrape (collect every series, write
 * OpenMetrics as a Prometheus server asks for it) takes less than 50 ms of this thread's CPU, median of 30 after 30
 * warm-up scrapes; and every stream is in it. Prints CPU time and bytes allocated per scrape
 * ({@link MetricsScrapeBenchmark} measures the same with JMH).
 */
@Timeout(120)
class MetricsScrapeCostTest {
    private static final int STREAMS = 1_000;
    private static final int WARMUP = 30;
    private static final int MEASURED = 30;
    private static final long TARGET_CPU_NS = 50_000_000L;

    @Test
    void shouldScrapeAThousandStreamsInUnderFiftyMillisecondsOfCpu() throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        OpenMetricsTextFormatWriter writer = OpenMetricsTextFormatWriter.create();
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 22);
        try (ThousandStreams streams = new ThousandStreams(STREAMS)) {
            for (int i = 0; i < WARMUP; i++) {
                body.reset();
                writer.write(body, streams.metrics().registry().scrape());
            }
            long[] cpuNs = new long[MEASURED];
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < MEASURED; i++) {
                long start = threads.getCurrentThreadCpuTime();
                body.reset();
                writer.write(body, streams.metrics().registry().scrape());
                cpuNs[i] = threads.getCurrentThreadCpuTime() - start;
            }
            long collectStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < MEASURED; i++) {
                streams.metrics().registry().scrape();
            }
            System.out.printf("collect only: %.1f ms%n", (threads.getCurrentThreadCpuTime() - collectStart) / 1e6
                    / MEASURED);
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter textWriter =
                    io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create();
            long textStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < MEASURED; i++) {
                body.reset();
                textWriter.write(body, streams.metrics().registry().scrape());
            }
            System.out.printf("text format: %.1f ms, %d bytes%n", (threads.getCurrentThreadCpuTime() - textStart)
                    / 1e6 / MEASURED, body.size());
            long allocatedPerScrape = (threads.getCurrentThreadAllocatedBytes() - allocatedBefore) / MEASURED;
            Arrays.sort(cpuNs);
            String text = body.toString(StandardCharsets.UTF_8);
            long labelled = text.lines().filter(l -> l.startsWith("ringcast_stream_state{")).count();
            System.out.printf("scrape of %d streams: CPU median %.1f ms, p90 %.1f ms, max %.1f ms; %d bytes of "
                    + "OpenMetrics; %.1f MB allocated per scrape%n", STREAMS, cpuNs[MEASURED / 2] / 1e6,
                    cpuNs[MEASURED * 9 / 10] / 1e6, cpuNs[MEASURED - 1] / 1e6, text.length(),
                    allocatedPerScrape / 1e6);
            assertEquals(STREAMS, labelled, "every stream labelled");
            assertTrue(cpuNs[MEASURED / 2] < TARGET_CPU_NS, "median CPU per scrape " + cpuNs[MEASURED / 2]
                    + " ns, target " + TARGET_CPU_NS);
        }
    }
}
