package io.ringcast.perf.load.report;

/**
 * CPU time used over the measured window by the server (if its pid was given) and by the load generator.
 *
 * @param serverPid              0 if not measured
 * @param serverCpuSeconds       user + system seconds of the server in the window, NaN if not measured
 * @param deliveredBytes         bytes all viewers received in the window
 * @param serverCpuSecondsPerGbit server CPU seconds per delivered gigabit (10^9 bits), NaN if not measured
 * @param loadgenCpuSeconds      the load generator's own CPU seconds in the window
 * @param loadgenCores           its CPU seconds per window second: near 1 per core it has, it is the bottleneck
 */
public record CpuSummary(long serverPid, double serverCpuSeconds, long deliveredBytes,
                         double serverCpuSecondsPerGbit, double loadgenCpuSeconds, double loadgenCores) {
    private static final double BITS_PER_GBIT = 1e9;
    private static final int BITS_PER_BYTE = 8;

    public static CpuSummary of(long serverPid, double serverCpuSeconds, long deliveredBytes,
                                double loadgenCpuSeconds, double windowSeconds) {
        double gbit = deliveredBytes * (double) BITS_PER_BYTE / BITS_PER_GBIT;
        return new CpuSummary(serverPid, serverCpuSeconds, deliveredBytes,
                gbit > 0 ? serverCpuSeconds / gbit : Double.NaN, loadgenCpuSeconds,
                windowSeconds > 0 ? loadgenCpuSeconds / windowSeconds : Double.NaN);
    }
}
