package io.ringcast.ingest.server;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** The process's file descriptor use, for log lines about running out of them; any thread, cold path. */
final class FileDescriptors {
    private FileDescriptors() {
    }

    /**
     * E.g. "54 of 256 file descriptors open". Counting lists /proc/self/fd, which itself takes a descriptor: with
     * none left it fails, so call {@link #limit()} then.
     */
    static String describe() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return "file descriptor use unknown";
        }
        return unix.getOpenFileDescriptorCount() + " of " + unix.getMaxFileDescriptorCount()
                + " file descriptors open";
    }

    /** E.g. "the limit is 256 file descriptors"; takes no descriptor (getrlimit). */
    static String limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean unix)) {
            return "file descriptor limit unknown";
        }
        return "the limit is " + unix.getMaxFileDescriptorCount() + " file descriptors";
    }
}
