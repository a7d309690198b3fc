package io.ringcast.web;

import com.sun.management.UnixOperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The startup check of the process's file descriptor limit against the configured connection limits; run once by
 * the thread that starts the server, after every listener started. When the limit is too low it logs one warning
 * with the numbers and what to set: a server at its limits would otherwise fail to accept ("Too many open files")
 * long before {@code max_connections}.
 *
 * <p>Nothing is raised here: on Linux, HotSpot itself raises the soft limit to the hard one at startup
 * ({@code -XX:+MaxFDLimit}, the default; {@code -XX:-MaxFDLimit} keeps the soft one), so the limit read is the hard
 * one, which only the operator can raise (ulimit -n, systemd {@code LimitNOFILE}, docker {@code --ulimit nofile}).
 */
final class FileDescriptorLimitCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FileDescriptorLimitCheck.class);
    /** One socket per HTTP connection (the XNIO listener shares its selectors across connections). */
    static final long FDS_PER_HTTP_CONNECTION = 1;
    /** Recordings, HLS segments being written or served, log files, and refused clients being answered. */
    static final long MARGIN_FDS = 256;
    private static final Pattern OPEN_FILES_LIMITS =
            Pattern.compile("(?m)^Max open files\\s+(\\d+|unlimited)\\s+(\\d+|unlimited)");

    private FileDescriptorLimitCheck() {
    }

    /**
     * Reads the limit and what is open now, and logs one warning if the limit cannot serve the connection limits.
     *
     * @param httpMaxConnections {@code [http] max_connections}
     * @param pluginFds          file descriptors the started plugins may hold at their limits (RTMP connections)
     */
    static void warnIfTooLow(int httpMaxConnections, long pluginFds) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return;
        }
        warning(unix.getMaxFileDescriptorCount(), openFds(unix), httpMaxConnections, pluginFds,
                softAndHardLimits()).ifPresent(LOG::warn);
    }

    /** Counting lists /proc/self/fd, which takes a descriptor itself: with none left the JVM throws. */
    private static long openFds(UnixOperatingSystemMXBean unix) {
        try {
            return unix.getOpenFileDescriptorCount();
        } catch (InternalError noneLeft) {
            return unix.getMaxFileDescriptorCount();
        }
    }

    /**
     * The warning to log, if any.
     *
     * @param limitFds           the limit in force (soft, as raised by the JVM)
     * @param openFds            descriptors open now: jars, listeners, selectors, logs
     * @param httpMaxConnections {@code [http] max_connections}
     * @param pluginFds          what the plugins may hold at their limits
     * @param softAndHard        "soft N, hard M" from /proc/self/limits, or empty where unknown
     */
    static Optional<String> warning(long limitFds, long openFds, int httpMaxConnections, long pluginFds,
                                    Optional<String> softAndHard) {
        long httpFds = httpMaxConnections * FDS_PER_HTTP_CONNECTION;
        long neededFds = Math.max(0, openFds) + httpFds + pluginFds + MARGIN_FDS;
        if (limitFds >= neededFds) {
            return Optional.empty();
        }
        return Optional.of("file descriptor limit " + limitFds + softAndHard.map(s -> " (" + s + ")").orElse("")
                + " is below the " + neededFds + " the configured connection limits may need: " + httpFds
                + " for [http] max_connections = " + httpMaxConnections + ", " + pluginFds
                + " for RTMP ([rtmp] max_connections, one each), " + openFds + " open at startup, " + MARGIN_FDS
                + " for files; at the limit new connections wait unaccepted. Raise it to at least " + neededFds
                + " (ulimit -n, systemd LimitNOFILE=, docker --ulimit nofile=; the JVM already raised the soft limit"
                + " to the hard one unless started with -XX:-MaxFDLimit), or lower max_connections");
    }

    /** "soft 1024, hard 4096" from /proc/self/limits (Linux), or empty. */
    private static Optional<String> softAndHardLimits() {
        try {
            Matcher m = OPEN_FILES_LIMITS.matcher(Files.readString(Path.of("/proc/self/limits")));
            return m.find() ? Optional.of("soft " + m.group(1) + ", hard " + m.group(2)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
