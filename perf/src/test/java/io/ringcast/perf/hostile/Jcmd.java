package io.ringcast.perf.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jcmd} against a server process: full GC and heap figures from {@code GC.heap_info}. Stateless; any thread.
 * <pre>
 *  garbage-first heap   total 389120K, used 14628K [0x00000000e0000000, 0x0000000100000000)
 * </pre>
 */
final class Jcmd {
    private static final Pattern HEAP = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final long TIMEOUT_S = 30;

    private Jcmd() {
    }

    static String run(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    static long heapUsedBytes(long pid) throws IOException, InterruptedException {
        return heapField(pid, 2);
    }

    static long heapCommittedBytes(long pid) throws IOException, InterruptedException {
        return heapField(pid, 1);
    }

    private static long heapField(long pid, int group) throws IOException, InterruptedException {
        String out = run(pid, "GC.heap_info");
        Matcher m = HEAP.matcher(out);
        if (!m.find()) {
            throw new IOException("no heap figures in GC.heap_info: " + out);
        }
        return Long.parseLong(m.group(group)) * 1024;
    }
}
