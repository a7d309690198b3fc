package io.ringcast.perf.load.report;

import java.io.PrintStream;
import java.util.Locale;

/** Prints the short human summary of a run to stdout. */
public final class TextSummary {
    private static final double BPS_PER_MBPS = 1e6;

    private TextSummary() {
    }

    public static void print(RunSummary s, PrintStream out) {
        out.printf(Locale.ROOT, "== loadgen %s: %.1f s measured, read mode %s%n", s.label() == null ? "" : s.label(),
                s.windowSeconds(), s.config().get("read_mode"));
        PublisherSummary p = s.publisher();
        if (p != null) {
            out.printf(Locale.ROOT, "publisher  %s: %s, %d video + %d audio frames, %d loops, %d late"
                            + " (max %.1f ms)%s%n", p.url(), p.state(), p.videoFrames(), p.audioFrames(), p.loops(),
                    p.lateFrames(), p.maxLatenessMs(), p.failure() == null ? "" : ", " + p.failure());
        }
        for (GroupSummary g : s.groups()) {
            out.printf(Locale.ROOT, "%-16s viewers %d/%d, closed by server %d%s%n", g.name(), g.connected(),
                    g.requested(), g.closedByServer(), g.closedByServer() > 0
                            ? String.format(Locale.ROOT, " (after p50 %.0f ms, max %.0f ms)", g.closedAfterMs().p50(),
                            g.closedAfterMs().max()) : "");
            FrameCounts f = g.frames();
            out.printf(Locale.ROOT, "%-16s frames %d video + %d audio, missed %d video + %d audio, keyframe jumps %d%n",
                    "", f.video(), f.audio(), f.missedVideo(), f.missedAudio(), f.keyframeJumps());
            LatencyStats l = g.latency();
            out.printf(Locale.ROOT, "%-16s latency us: n=%d p50 %.0f p90 %.0f p99 %.0f p99.9 %.0f max %.0f%n", "",
                    l.count(), l.p50Us(), l.p90Us(), l.p99Us(), l.p999Us(), l.maxUs());
            Percentiles k = g.firstKeyframeMs();
            Percentiles t = g.throughputBps();
            out.printf(Locale.ROOT, "%-16s first keyframe ms: p50 %.0f p90 %.0f p99 %.0f max %.0f (%d);"
                            + " Mbit/s per viewer: min %.2f p50 %.2f max %.2f%n", "", k.p50(), k.p90(), k.p99(),
                    k.max(), k.count(), t.min() / BPS_PER_MBPS, t.p50() / BPS_PER_MBPS, t.max() / BPS_PER_MBPS);
            if (g.firstFailure() != null) {
                out.printf(Locale.ROOT, "%-16s ends %s; first failure: %s%n", "", g.ends(), g.firstFailure());
            }
        }
        CpuSummary c = s.cpu();
        out.printf(Locale.ROOT, "delivered %.3f Gbit in the window; loadgen CPU %.1f s (%.2f cores)%n",
                c.deliveredBytes() * 8 / 1e9, c.loadgenCpuSeconds(), c.loadgenCores());
        if (c.serverPid() > 0) {
            out.printf(Locale.ROOT, "server pid %d: CPU %.2f s, %.3f CPU s per delivered Gbit%n", c.serverPid(),
                    c.serverCpuSeconds(), c.serverCpuSecondsPerGbit());
        }
    }
}
