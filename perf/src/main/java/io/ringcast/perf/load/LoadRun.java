package io.ringcast.perf.load;

import io.ringcast.perf.load.media.FlvFile;
import io.ringcast.perf.load.media.PublishPlan;
import io.ringcast.perf.load.media.SentFrames;
import io.ringcast.perf.load.publish.RtmpPublisher;
import io.ringcast.perf.load.report.CpuSummary;
import io.ringcast.perf.load.report.GroupSummary;
import io.ringcast.perf.load.report.LatencyLog;
import io.ringcast.perf.load.report.ProcCpu;
import io.ringcast.perf.load.report.PublisherSummary;
import io.ringcast.perf.load.report.RunSummary;
import io.ringcast.perf.load.viewer.EndReason;
import io.ringcast.perf.load.viewer.HttpFlvViewerConnection;
import io.ringcast.perf.load.viewer.Protocol;
import io.ringcast.perf.load.viewer.RtmpViewerConnection;
import io.ringcast.perf.load.viewer.RunWindow;
import io.ringcast.perf.load.viewer.ServerCloseProbe;
import io.ringcast.perf.load.viewer.ViewerConnection;
import io.ringcast.perf.load.viewer.ViewerGroup;
import io.ringcast.perf.load.viewer.ViewerLoop;
import io.ringcast.perf.load.viewer.ViewerMode;
import io.ringcast.perf.load.viewer.ViewerSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one load test, on the calling thread, which coordinates and runs nothing per frame: starts the publisher,
 * ramps the viewers up onto the selector threads, waits out the warm-up, measures (late joins included), then
 * closes everything and summarises. Every phase is bounded, so a run ends by itself.
 * <p>
 * Once a second it samples the latency recorders into the interval log and, when slow viewers run, looks for the
 * server closing them ({@link ServerCloseProbe}).
 */
public final class LoadRun {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long PUBLISH_TIMEOUT_MS = 15_000;
    private static final long LATE_JOIN_TIMEOUT_NS = 15 * NANOS_PER_SECOND;
    private static final long LOOP_STOP_TIMEOUT_MS = 10_000;
    private static final long PUBLISHER_STOP_TIMEOUT_MS = 5_000;
    private static final long POLL_NS = 10 * NANOS_PER_MILLI;
    private static final long PROGRESS_EVERY_NS = 5 * NANOS_PER_SECOND;

    /** The run could not start: the publisher failed or no viewer could be set up. */
    public static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        public SetupException(String message) {
            super(message);
        }
    }

    private final LoadOptions options;
    private final PrintStream log;
    private final RunWindow window = new RunWindow();
    private final ViewerSettings settings;
    private final InetSocketAddress flvServer;
    private final InetSocketAddress rtmpServer;
    private final List<ViewerGroup> groups = new ArrayList<>();
    private final List<ViewerGroup> lateGroups = new ArrayList<>();
    private final List<ViewerLoop> loops = new ArrayList<>();
    private final List<ViewerConnection> slowConnections = new ArrayList<>();
    private final ServerCloseProbe probe = ServerCloseProbe.isAvailable() ? new ServerCloseProbe() : null;
    private LatencyLog latencyLog;
    private SentFrames sent;
    private RtmpPublisher publisher;
    private int nextLoop;
    private long nextSampleNs;
    private long nextProgressNs;

    /** @param log where progress lines go (stdout) */
    public LoadRun(LoadOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.settings = new ViewerSettings(options.slowReceiveBufferBytes(), options.trickleBytesPerSecond(),
                LATE_JOIN_TIMEOUT_NS, options.readMode());
        this.flvServer = options.flvUrl() == null ? null
                : new InetSocketAddress(options.flvUrl().host(), options.flvUrl().port());
        this.rtmpServer = options.rtmpUrl() == null ? null
                : new InetSocketAddress(options.rtmpUrl().host(), options.rtmpUrl().port());
    }

    /**
     * Runs the test and writes {@code latency.hlog} into the output directory.
     *
     * @throws SetupException if the publisher cannot publish
     */
    public RunSummary run() throws SetupException, IOException, InterruptedException {
        Files.createDirectories(options.out());
        String startedAt = Instant.now().toString();
        latencyLog = new LatencyLog(options.out().resolve("latency.hlog"), System.currentTimeMillis());
        PublisherSummary publisherSummary = null;
        CpuSummary cpu;
        try {
            startPublisher();
            createGroups();
            for (int i = 0; i < options.threads(); i++) {
                ViewerLoop loop = new ViewerLoop("viewer-loop-" + i);
                loops.add(loop);
                loop.start();
            }
            nextSampleNs = System.nanoTime() + NANOS_PER_SECOND;
            nextProgressNs = nextSampleNs;
            ramp();
            log.printf("warm-up %d s%n", options.warmupSeconds());
            idleUntil(System.nanoTime() + options.warmupSeconds() * NANOS_PER_SECOND);
            cpu = measure();
        } finally {
            stopAll();
            if (publisher != null) {
                publisherSummary = publisherSummary(publisher);
            }
            latencyLog.sample(groups);
            latencyLog.close();
        }
        double windowSeconds = window.seconds();
        List<GroupSummary> summaries = groups.stream().map(g -> GroupSummary.of(g, windowSeconds)).toList();
        return new RunSummary(options.label(), startedAt, options.asMap(), windowSeconds, publisherSummary, summaries,
                cpu);
    }

    private void startPublisher() throws SetupException, IOException, InterruptedException {
        if (options.publish() == null) {
            return;
        }
        PublishPlan plan = PublishPlan.of(FlvFile.read(options.flv()));
        sent = new SentFrames(plan);
        publisher = new RtmpPublisher(options.publish(), plan, sent);
        log.printf("publishing %s to %s%n", options.flv(), options.publish());
        publisher.start();
        if (!publisher.awaitPublishing(PUBLISH_TIMEOUT_MS)) {
            throw new SetupException("publisher failed: " + (publisher.failure() != null ? publisher.failure()
                    : "not publishing after " + PUBLISH_TIMEOUT_MS + " ms"));
        }
    }

    private void createGroups() {
        addGroup(Protocol.HTTP_FLV, ViewerMode.HEALTHY, options.flvViewers(), groups);
        addGroup(Protocol.RTMP, ViewerMode.HEALTHY, options.rtmpViewers(), groups);
        for (Protocol p : Protocol.values()) {
            addGroup(p, ViewerMode.STALLED, LoadOptions.share(options.stalled(), options.stalledProtocol(), p), groups);
            addGroup(p, ViewerMode.TRICKLE, LoadOptions.share(options.trickle(), options.trickleProtocol(), p), groups);
            addGroup(p, ViewerMode.LATE_JOIN, LoadOptions.share(options.lateJoins(), options.lateJoinProtocol(), p),
                    lateGroups);
        }
        groups.addAll(lateGroups);
    }

    private static void addGroup(Protocol protocol, ViewerMode mode, int count, List<ViewerGroup> to) {
        if (count > 0) {
            to.add(new ViewerGroup(protocol, mode, count));
        }
    }

    /** Adds the initial viewers at the ramp rate, one group after the other in turn. */
    private void ramp() {
        List<ViewerGroup> initial = groups.stream().filter(g -> g.mode() != ViewerMode.LATE_JOIN).toList();
        int total = initial.stream().mapToInt(ViewerGroup::requested).sum();
        log.printf("ramping up %d viewers at %d/s on %d threads%n", total, options.rampPerSecond(), loops.size());
        long startNs = System.nanoTime();
        long intervalNs = NANOS_PER_SECOND / options.rampPerSecond();
        int added = 0;
        while (added < total) {
            for (ViewerGroup group : initial) {
                if (group.connections().size() < group.requested()) {
                    idleUntil(startNs + added * intervalNs);
                    addConnection(group);
                    added++;
                }
            }
        }
        log.printf("ramp done in %.1f s%n", (System.nanoTime() - startNs) / 1e9);
    }

    private CpuSummary measure() throws IOException {
        ProcCpu server = options.serverPid() > 0 ? new ProcCpu(options.serverPid(), ProcCpu.clockTicksPerSecond())
                : null;
        double serverStart = server != null ? server.cpuSeconds() : Double.NaN;
        double loadgenStart = loadgenCpuSeconds();
        long startNs = System.nanoTime();
        window.start(startNs);
        log.printf("measuring %d s%s%n", options.durationSeconds(), options.lateJoins() > 0
                ? " with " + options.lateJoins() + " late joins" : "");
        runLateJoins(startNs + options.durationSeconds() * NANOS_PER_SECOND);
        long endNs = System.nanoTime();
        window.end(endNs);
        double serverCpu = server != null ? server.cpuSeconds() - serverStart : Double.NaN;
        double loadgenCpu = loadgenCpuSeconds() - loadgenStart;
        if (probe != null && !slowConnections.isEmpty()) {
            probe.probe(slowConnections, endNs);
        }
        long delivered = groups.stream().flatMap(g -> g.connections().stream())
                .mapToLong(ViewerConnection::bytesInWindow).sum();
        return CpuSummary.of(options.serverPid(), serverCpu, delivered, loadgenCpu, window.seconds());
    }

    /**
     * Joins the late viewers one at a time (the next one an interval after the previous one got its keyframe or
     * timed out) until the window's end, or longer until the last one finished.
     */
    private void runLateJoins(long windowEndNs) {
        int joined = 0;
        ViewerConnection current = null;
        long nextJoinNs = System.nanoTime();
        while (true) {
            long nowNs = System.nanoTime();
            if (current != null && current.isEnded()) {
                current = null;
                nextJoinNs = nowNs + options.lateJoinIntervalMs() * NANOS_PER_MILLI;
            }
            if (current == null && joined < options.lateJoins() && nowNs >= nextJoinNs) {
                current = addConnection(lateGroupFor(joined++));
            }
            if (nowNs >= windowEndNs && current == null && joined == options.lateJoins()) {
                return;
            }
            idleUntil(nowNs < windowEndNs ? Math.min(nowNs + POLL_NS, windowEndNs) : nowNs + POLL_NS);
        }
    }

    /** Late joins alternate between protocols when both are asked for. */
    private ViewerGroup lateGroupFor(int index) {
        return lateGroups.size() == 1 ? lateGroups.get(0) : lateGroups.get(index % lateGroups.size());
    }

    private ViewerConnection addConnection(ViewerGroup group) {
        ViewerConnection connection = group.protocol() == Protocol.HTTP_FLV
                ? new HttpFlvViewerConnection(group, options.flvUrl(), flvServer, settings, window, sent)
                : new RtmpViewerConnection(group, options.rtmpUrl(), rtmpServer, settings, window, sent);
        group.connections().add(connection);
        if (group.mode().isSlow()) {
            slowConnections.add(connection);
        }
        loops.get(nextLoop++ % loops.size()).add(connection);
        return connection;
    }

    /** Waits until {@code deadlineNs}, sampling latency and probing slow viewers on time meanwhile. */
    private void idleUntil(long deadlineNs) {
        long nowNs;
        while ((nowNs = System.nanoTime()) < deadlineNs) {
            if (nowNs >= nextSampleNs) {
                latencyLog.sample(groups);
                if (probe != null && !slowConnections.isEmpty()) {
                    probe.probe(slowConnections, nowNs);
                }
                nextSampleNs += NANOS_PER_SECOND;
            }
            if (nowNs >= nextProgressNs) {
                log.printf("  %d viewers connected%s%n", connectedNow(), publisher == null ? ""
                        : ", publisher " + publisher.state().name().toLowerCase(Locale.ROOT) + " at video frame "
                        + publisher.videoFramesSent());
                nextProgressNs += PROGRESS_EVERY_NS;
            }
            LockSupport.parkNanos(Math.min(deadlineNs, Math.min(nextSampleNs, nextProgressNs)) - nowNs);
        }
    }

    private int connectedNow() {
        return (int) groups.stream().flatMap(g -> g.connections().stream())
                .filter(c -> c.localPort() != 0 && !c.isEnded()).count();
    }

    private void stopAll() throws InterruptedException {
        for (ViewerLoop loop : loops) {
            loop.stop();
        }
        for (ViewerLoop loop : loops) {
            if (!loop.join(LOOP_STOP_TIMEOUT_MS)) {
                log.println("warning: a viewer loop did not stop in time; its figures may be incomplete");
            }
        }
        if (publisher != null) {
            publisher.stop(PUBLISHER_STOP_TIMEOUT_MS);
        }
    }

    private static PublisherSummary publisherSummary(RtmpPublisher p) {
        return new PublisherSummary(p.url().toString(), p.state().name().toLowerCase(Locale.ROOT), p.failure(),
                p.videoFramesSent(), p.audioFramesSent(), p.bytesSent(), p.loops(), p.lateFrames(),
                p.maxLatenessNs() / 1e6);
    }

    private static double loadgenCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L)
                / (double) NANOS_PER_SECOND;
    }

    /** Whether the server accepted any viewer's request (sent, and neither refused nor answered with garbage). */
    public static boolean anyViewerAccepted(RunSummary summary) {
        return summary.groups().stream().anyMatch(g -> g.connected() - g.ends().getOrDefault(EndReason.REFUSED, 0)
                - g.ends().getOrDefault(EndReason.PROTOCOL_ERROR, 0) > 0);
    }
}
