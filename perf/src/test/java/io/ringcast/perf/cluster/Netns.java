package io.ringcast.perf.cluster;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code perf/netns} script seen from Java, used by the test thread: hosts as network namespaces on one bridge
 * (10.77.0.N), commands run inside them, and the faults (loss, rate, cut) applied to a host's link.
 */
final class Netns {
    /** The namespace prefix and subnet of the script's defaults. */
    static final String PREFIX = "rc-";
    static final String SUBNET = "10.77.0";
    /** The machine's own address on the bridge: the test JVM's Java viewers connect from it. */
    static final String BRIDGE_ADDRESS = SUBNET + ".1";
    private static final long SCRIPT_TIMEOUT_S = 60;
    private static final Path SCRIPT = findScript();

    private Netns() {
    }

    /** Skips the calling test (with the reason) unless this machine can create namespaces: root and ip netns. */
    static void assumeAvailable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "the cluster suite needs root for network namespaces (runs in CI as root); user is "
                        + System.getProperty("user.name"));
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "the cluster suite needs ip (iproute2) for network namespaces");
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            Assumptions.assumeTrue(probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
                    "`ip netns list` fails here: " + new String(probe.getInputStream().readAllBytes(),
                            StandardCharsets.UTF_8));
        } catch (IOException e) {
            Assumptions.abort("`ip netns` is unavailable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Assumptions.abort("interrupted");
        }
    }

    /** The address of host number {@code n}. */
    static String address(int n) {
        return SUBNET + "." + n;
    }

    /** Creates the bridge and the hosts ({@code "o1:11"}). */
    static void up(List<String> hosts) {
        List<String> args = new ArrayList<>(List.of("up"));
        args.addAll(hosts);
        script(args.toArray(String[]::new));
    }

    /** Kills what runs in the hosts and removes every namespace, veth and the bridge; fine when none exist. */
    static void down() {
        script("down");
    }

    /** {@code host}'s link loses {@code percent} % of packets at random (to/from {@code peers} only, if given). */
    static void loss(String host, double percent, String... peers) {
        List<String> args = new ArrayList<>(List.of("loss", host, Double.toString(percent)));
        args.addAll(List.of(peers));
        script(args.toArray(String[]::new));
    }

    /** tbf on {@code host}'s link at {@code kbit} kbit/s: direction in, out or both. */
    static void rate(String host, int kbit, String direction) {
        script("rate", host, Integer.toString(kbit), direction);
    }

    /** Cuts {@code host}'s link (to {@code peers} only, if given). */
    static void cut(String host, String... peers) {
        List<String> args = new ArrayList<>(List.of("cut", host));
        args.addAll(List.of(peers));
        script(args.toArray(String[]::new));
    }

    /** Undoes loss, rate and cut on {@code host}. */
    static void clear(String host) {
        script("clear", host);
    }

    /** The command line that runs {@code command} inside {@code host} (for a ProcessBuilder). */
    static List<String> inside(String host, List<String> command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", PREFIX + host));
        line.addAll(command);
        return line;
    }

    /** Runs the script and returns its output; fails with the output when it exits non-zero. */
    static String script(String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        return run(command, SCRIPT_TIMEOUT_S);
    }

    /** Runs a command to its end (at most {@code timeoutS}) and returns its output; fails on a non-zero exit. */
    static String run(List<String> command, long timeoutS) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutS + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** perf/netns, found from the module folder (Maven runs tests there) or the repository root. */
    private static Path findScript() {
        for (Path candidate : List.of(Path.of("netns"), Path.of("perf", "netns"), Path.of("..", "perf", "netns"))) {
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        return Path.of("perf", "netns").toAbsolutePath();
    }
}
