package io.ringcast.perf.load;

import io.ringcast.perf.load.flv.HttpUrl;
import io.ringcast.perf.load.rtmp.RtmpUrl;
import io.ringcast.perf.load.viewer.Protocol;
import io.ringcast.perf.load.viewer.ReadMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The load generator's command line, parsed and checked: what to publish, which viewers to run for how long, and
 * where the results go. Immutable.
 */
public record LoadOptions(Path flv, RtmpUrl publish, HttpUrl flvUrl, RtmpUrl rtmpUrl, int flvViewers,
                          int rtmpViewers, ReadMode readMode, int stalled, Protocols stalledProtocol, int trickle,
                          Protocols trickleProtocol, long trickleBytesPerSecond, int slowReceiveBufferBytes,
                          int threads, int rampPerSecond, int warmupSeconds, int durationSeconds, int lateJoins,
                          int lateJoinIntervalMs, Protocols lateJoinProtocol, long serverPid, Path out, String label,
                          boolean allowRemote) {
    /** Which protocols the viewers of a slow or late mode use; {@code both} splits them evenly. */
    public enum Protocols { FLV, RTMP, BOTH }

    public static final String USAGE = """
            Usage: perf/loadgen [options]
            Publishes an FLV file over RTMP in real time and plays it back with many HTTP-FLV and RTMP viewers in this
            one process (NIO), measuring per frame: latency from the publisher's write to each viewer's read, missed
            frames, time to first keyframe, throughput. Writes summary.json and latency.hlog; exits by itself.
              --flv FILE                 FLV file to publish, looped (make one with perf/make-bench-flv)
              --publish URL              rtmp://host[:port]/app/name to publish to; without it viewers play a stream
                                         published elsewhere (then no latency: frames carry no send time)
              --flv-url URL              HTTP-FLV URL to play, e.g. http://127.0.0.1:8080/live/bench.flv
              --rtmp-url URL             RTMP URL to play, e.g. rtmp://127.0.0.1:1935/live/bench
              --flv-viewers N            healthy HTTP-FLV viewers (default 0)
              --rtmp-viewers N           healthy RTMP viewers (default 0)
              --read-mode M              how every viewer reads (default bulk):
                                         bulk: up to 64 KB whenever the socket is readable;
                                         tags: like a simple player, each read asks only for the bytes that complete
                                         the unit in progress: HTTP-FLV the FLV header, each tag header, each body
                                         with its PreviousTagSize (chunked framing at its shortest); RTMP each
                                         handshake packet, basic header, message header, extended timestamp and
                                         chunk payload
              --stalled N                viewers that send their request (RTMP: play) and then never read (default 0)
              --stalled-protocol P       flv, rtmp or both (default flv)
              --trickle N                viewers that read at most --trickle-bytes-per-s (default 0)
              --trickle-protocol P       flv, rtmp or both (default flv)
              --trickle-bytes-per-s B    (default 20000)
              --slow-rcvbuf-bytes B      SO_RCVBUF of stalled and trickle viewers, set before connect (default 4096)
              --threads T                viewer selector threads (default: the number of cores)
              --ramp-per-s R             new viewer connections per second (default 200)
              --warmup-s S               seconds after the ramp before measuring (default 5)
              --duration-s S             seconds measured; then everything closes (default 30)
              --late-joins N             after warm-up, N more viewers join one at a time and leave at their first
                                         keyframe, timing request to first keyframe (default 0)
              --late-join-interval-ms M  pause between late joins (default 500)
              --late-join-protocol P     flv, rtmp or both (alternating; default flv)
              --server-pid PID           measure this process's CPU time (/proc/PID/stat) over the window and report
                                         CPU seconds per delivered Gbit
              --out DIR                  where summary.json and latency.hlog go
                                         (default loadgen-results/<UTC time>[-label])
              --label TEXT               names the run in the summary and the default directory
              --allow-remote             allow hosts other than loopback (the benchmarks are loopback only)
              --help                     this text
            Exit status: 0 after a run; 2 for bad options; 3 if the publisher or every viewer failed to start.
            """;

    private static final Map<String, Function<Builder, Setter>> OPTIONS = options();

    /** Bad command line; its message says what is wrong. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses and checks a command line.
     *
     * @throws UsageException naming the bad option or value
     */
    public static LoadOptions parse(String... args) throws UsageException {
        Builder b = new Builder();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--allow-remote")) {
                b.allowRemote = true;
                continue;
            }
            Function<Builder, Setter> option = OPTIONS.get(name);
            if (option == null) {
                throw new UsageException("unknown option " + name);
            }
            if (i + 1 == args.length) {
                throw new UsageException(name + " needs a value");
            }
            String value = args[++i];
            try {
                option.apply(b).set(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException(name + " " + value + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    /** The options as given, for the summary. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flv", flv == null ? null : flv.toString());
        m.put("publish", publish == null ? null : publish.toString());
        m.put("flv_url", flvUrl == null ? null : flvUrl.toString());
        m.put("rtmp_url", rtmpUrl == null ? null : rtmpUrl.toString());
        m.put("flv_viewers", flvViewers);
        m.put("rtmp_viewers", rtmpViewers);
        m.put("read_mode", readMode.name().toLowerCase(Locale.ROOT));
        m.put("stalled", stalled);
        m.put("stalled_protocol", stalledProtocol.name().toLowerCase(Locale.ROOT));
        m.put("trickle", trickle);
        m.put("trickle_protocol", trickleProtocol.name().toLowerCase(Locale.ROOT));
        m.put("trickle_bytes_per_s", trickleBytesPerSecond);
        m.put("slow_rcvbuf_bytes", slowReceiveBufferBytes);
        m.put("threads", threads);
        m.put("ramp_per_s", rampPerSecond);
        m.put("warmup_s", warmupSeconds);
        m.put("duration_s", durationSeconds);
        m.put("late_joins", lateJoins);
        m.put("late_join_interval_ms", lateJoinIntervalMs);
        m.put("late_join_protocol", lateJoinProtocol.name().toLowerCase(Locale.ROOT));
        m.put("server_pid", serverPid > 0 ? serverPid : null);
        m.put("label", label);
        return m;
    }

    /** Viewers of a mode that use {@code protocol}: all, none, or half (the larger half for HTTP-FLV). */
    public static int share(int count, Protocols protocols, Protocol protocol) {
        if (protocols == Protocols.BOTH) {
            return protocol == Protocol.HTTP_FLV ? (count + 1) / 2 : count / 2;
        }
        return (protocols == Protocols.FLV) == (protocol == Protocol.HTTP_FLV) ? count : 0;
    }

    @FunctionalInterface
    private interface Setter {
        void set(String value);
    }

    private static Map<String, Function<Builder, Setter>> options() {
        Map<String, Function<Builder, Setter>> o = new LinkedHashMap<>();
        o.put("--flv", b -> v -> b.flv = Path.of(v));
        o.put("--publish", b -> v -> b.publish = RtmpUrl.parse(v));
        o.put("--flv-url", b -> v -> b.flvUrl = HttpUrl.parse(v));
        o.put("--rtmp-url", b -> v -> b.rtmpUrl = RtmpUrl.parse(v));
        o.put("--flv-viewers", b -> v -> b.flvViewers = count(v));
        o.put("--rtmp-viewers", b -> v -> b.rtmpViewers = count(v));
        o.put("--read-mode", b -> v -> b.readMode = readMode(v));
        o.put("--stalled", b -> v -> b.stalled = count(v));
        o.put("--stalled-protocol", b -> v -> b.stalledProtocol = protocols(v));
        o.put("--trickle", b -> v -> b.trickle = count(v));
        o.put("--trickle-protocol", b -> v -> b.trickleProtocol = protocols(v));
        o.put("--trickle-bytes-per-s", b -> v -> b.trickleBytesPerSecond = positive(v));
        o.put("--slow-rcvbuf-bytes", b -> v -> b.slowReceiveBufferBytes = (int) positive(v));
        o.put("--threads", b -> v -> b.threads = (int) positive(v));
        o.put("--ramp-per-s", b -> v -> b.rampPerSecond = (int) positive(v));
        o.put("--warmup-s", b -> v -> b.warmupSeconds = count(v));
        o.put("--duration-s", b -> v -> b.durationSeconds = (int) positive(v));
        o.put("--late-joins", b -> v -> b.lateJoins = count(v));
        o.put("--late-join-interval-ms", b -> v -> b.lateJoinIntervalMs = count(v));
        o.put("--late-join-protocol", b -> v -> b.lateJoinProtocol = protocols(v));
        o.put("--server-pid", b -> v -> b.serverPid = positive(v));
        o.put("--out", b -> v -> b.out = Path.of(v));
        o.put("--label", b -> v -> b.label = label(v));
        return Map.copyOf(o);
    }

    private static int count(String value) {
        long n = number(value);
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be 0 or more");
        }
        return (int) n;
    }

    private static long positive(String value) {
        long n = number(value);
        if (n <= 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be a positive number");
        }
        return n;
    }

    private static long number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static Protocols protocols(String value) {
        return switch (value) {
            case "flv" -> Protocols.FLV;
            case "rtmp" -> Protocols.RTMP;
            case "both" -> Protocols.BOTH;
            default -> throw new IllegalArgumentException("must be flv, rtmp or both");
        };
    }

    private static ReadMode readMode(String value) {
        return switch (value) {
            case "tags" -> ReadMode.TAGS;
            case "bulk" -> ReadMode.BULK;
            default -> throw new IllegalArgumentException("must be tags or bulk");
        };
    }

    private static String label(String value) {
        if (!value.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("must be 1 to 64 characters from A-Z a-z 0-9 . _ -");
        }
        return value;
    }

    /** Collects option values; {@link #build} checks how they fit together. */
    private static final class Builder {
        private static final int DEFAULT_RAMP_PER_S = 200;
        private static final int DEFAULT_WARMUP_S = 5;
        private static final int DEFAULT_DURATION_S = 30;
        private static final int DEFAULT_LATE_JOIN_INTERVAL_MS = 500;
        private static final long DEFAULT_TRICKLE_BYTES_PER_S = 20_000;
        private static final int DEFAULT_SLOW_RCVBUF_BYTES = 4096;

        Path flv;
        RtmpUrl publish;
        HttpUrl flvUrl;
        RtmpUrl rtmpUrl;
        int flvViewers;
        int rtmpViewers;
        ReadMode readMode = ReadMode.BULK;
        int stalled;
        Protocols stalledProtocol = Protocols.FLV;
        int trickle;
        Protocols trickleProtocol = Protocols.FLV;
        long trickleBytesPerSecond = DEFAULT_TRICKLE_BYTES_PER_S;
        int slowReceiveBufferBytes = DEFAULT_SLOW_RCVBUF_BYTES;
        int threads = Runtime.getRuntime().availableProcessors();
        int rampPerSecond = DEFAULT_RAMP_PER_S;
        int warmupSeconds = DEFAULT_WARMUP_S;
        int durationSeconds = DEFAULT_DURATION_S;
        int lateJoins;
        int lateJoinIntervalMs = DEFAULT_LATE_JOIN_INTERVAL_MS;
        Protocols lateJoinProtocol = Protocols.FLV;
        long serverPid;
        Path out;
        String label;
        boolean allowRemote;

        LoadOptions build() throws UsageException {
            if (publish != null && flv == null) {
                throw new UsageException("--publish needs --flv FILE");
            }
            if (flv != null && publish == null) {
                throw new UsageException("--flv needs --publish URL");
            }
            requireUrl(Protocol.HTTP_FLV, flvUrl != null, "--flv-url");
            requireUrl(Protocol.RTMP, rtmpUrl != null, "--rtmp-url");
            if (flvViewers + rtmpViewers + stalled + trickle + lateJoins == 0) {
                throw new UsageException("no viewers: give --flv-viewers, --rtmp-viewers, --stalled, --trickle or"
                        + " --late-joins");
            }
            if (!allowRemote) {
                List<String> hosts = new ArrayList<>();
                Arrays.asList(publish, rtmpUrl).forEach(u -> hosts.add(u == null ? null : u.host()));
                hosts.add(flvUrl == null ? null : flvUrl.host());
                for (String host : hosts) {
                    requireLoopback(host);
                }
            }
            Path dir = out != null ? out : Path.of("loadgen-results", DateTimeFormatter
                    .ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC))
                    + (label == null ? "" : "-" + label));
            return new LoadOptions(flv, publish, flvUrl, rtmpUrl, flvViewers, rtmpViewers, readMode, stalled,
                    stalledProtocol, trickle, trickleProtocol, trickleBytesPerSecond, slowReceiveBufferBytes, threads,
                    rampPerSecond, warmupSeconds, durationSeconds, lateJoins, lateJoinIntervalMs, lateJoinProtocol,
                    serverPid, dir, label, allowRemote);
        }

        /** Viewers of a protocol need its URL. */
        private void requireUrl(Protocol protocol, boolean present, String option) throws UsageException {
            int viewers = (protocol == Protocol.HTTP_FLV ? flvViewers : rtmpViewers)
                    + share(stalled, stalledProtocol, protocol) + share(trickle, trickleProtocol, protocol)
                    + share(lateJoins, lateJoinProtocol, protocol);
            if (viewers > 0 && !present) {
                throw new UsageException(viewers + " " + protocol.id() + " viewers need " + option);
            }
        }

        private static void requireLoopback(String host) throws UsageException {
            if (host == null) {
                return;
            }
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    throw new UsageException(host + " is not a loopback address; benchmarks run on loopback"
                            + " (--allow-remote to override)");
                }
            } catch (UnknownHostException e) {
                throw new UsageException("unknown host " + host);
            }
        }
    }
}
