package io.ringcast.perf.load.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from Linux's {@code /proc/PID/stat} (proc(5)): user plus system time, fields 14 and 15, in
 * clock ticks. Immutable; any thread.
 * <pre>
 *  1234 (java) S 1 1234 ... utime stime cutime cstime ...     the command name may hold spaces and parentheses,
 *  ^pid ^comm  ^3              ^14   ^15                      so fields are counted after its last ')'
 * </pre>
 */
public final class ProcCpu {
    /** What Linux uses on every common architecture, if {@code getconf CLK_TCK} cannot tell. */
    public static final long DEFAULT_CLOCK_TICKS_PER_SECOND = 100;

    /** utime is field 14; the first field after the command name is field 3. */
    private static final int UTIME_INDEX_AFTER_COMM = 14 - 3;
    private static final int STIME_INDEX_AFTER_COMM = 15 - 3;
    private static final long GETCONF_TIMEOUT_S = 5;

    private final long pid;
    private final long clockTicksPerSecond;

    public ProcCpu(long pid, long clockTicksPerSecond) {
        if (pid <= 0 || clockTicksPerSecond <= 0) {
            throw new IllegalArgumentException("pid and clock ticks must be positive: " + pid + ", "
                    + clockTicksPerSecond);
        }
        this.pid = pid;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    public long pid() {
        return pid;
    }

    /** CPU seconds the process used so far (user + system). */
    public double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        return (double) cpuTicks(stat) / clockTicksPerSecond;
    }

    /**
     * utime + stime of a {@code /proc/PID/stat} line, in clock ticks.
     *
     * @throws IllegalArgumentException if the line has not the fields
     */
    public static long cpuTicks(String stat) {
        return userTicks(stat) + systemTicks(stat);
    }

    /** utime (field 14) of a {@code /proc/PID/stat} line, in clock ticks; see {@link #cpuTicks}. */
    public static long userTicks(String stat) {
        return field(stat, UTIME_INDEX_AFTER_COMM);
    }

    /** stime (field 15) of a {@code /proc/PID/stat} line, in clock ticks; see {@link #cpuTicks}. */
    public static long systemTicks(String stat) {
        return field(stat, STIME_INDEX_AFTER_COMM);
    }

    private static long field(String stat, int indexAfterComm) {
        int commEnd = stat.lastIndexOf(')');
        if (commEnd < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] fields = stat.substring(commEnd + 1).trim().split("\\s+");
        if (fields.length <= STIME_INDEX_AFTER_COMM) {
            throw new IllegalArgumentException("short /proc/PID/stat line: " + stat);
        }
        try {
            return Long.parseLong(fields[indexAfterComm]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad CPU times in /proc/PID/stat line: " + stat, e);
        }
    }

    /** The kernel's clock ticks per second from one {@code getconf CLK_TCK}, or the usual 100. */
    public static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            try (InputStream out = getconf.getInputStream()) {
                String answer = new String(out.readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (getconf.waitFor(GETCONF_TIMEOUT_S, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                    return Long.parseLong(answer);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CLOCK_TICKS_PER_SECOND;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_CLOCK_TICKS_PER_SECOND;
    }
}
