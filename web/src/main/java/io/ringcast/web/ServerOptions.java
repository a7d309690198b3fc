package io.ringcast.web;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The command line of {@link RingcastMain}, parsed: a config file and port overrides that apply on top of it.
 * Immutable; parsed once on the main thread.
 *
 * @param config   the TOML file, or empty for the embedded defaults
 * @param rtmpPort overrides the rtmp plugin's port (handed over as system property {@value #RTMP_PORT_PROPERTY})
 * @param httpPort overrides {@code [http] port}
 * @param help     print usage and exit
 */
public record ServerOptions(Optional<Path> config, OptionalInt rtmpPort, OptionalInt httpPort, boolean help) {
    /**
     * The system property through which {@code --rtmp-port} reaches the rtmp plugin: web does not know the plugin
     * (it is found at runtime), so the plugin reads this property, when set, in preference to its config's port.
     */
    public static final String RTMP_PORT_PROPERTY = "ringcast.rtmp.port";

    public static final String USAGE = """
            usage: ringcast [--config FILE] [--rtmp-port N] [--http-port N] [--help]
              --config FILE    TOML configuration (default: embedded defaults)
              --rtmp-port N    RTMP listen port, overrides [rtmp] port (0..65535)
              --http-port N    HTTP listen port, overrides [http] port (0..65535)
              --help           print this and exit
            """;

    /** A command line that cannot be used; the message says why. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses flags as {@code --flag value} or {@code --flag=value}. */
    public static ServerOptions parse(String... args) throws UsageException {
        Optional<Path> config = Optional.empty();
        OptionalInt rtmpPort = OptionalInt.empty();
        OptionalInt httpPort = OptionalInt.empty();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--config" -> {
                    String v = value != null ? value : next(args, ++i, arg);
                    if (v.isEmpty()) {
                        throw new UsageException("--config needs a file name");
                    }
                    config = Optional.of(Path.of(v));
                }
                case "--rtmp-port" ->
                    rtmpPort = OptionalInt.of(port(arg, value != null ? value : next(args, ++i, arg)));
                case "--http-port" ->
                    httpPort = OptionalInt.of(port(arg, value != null ? value : next(args, ++i, arg)));
                default -> throw new UsageException("unknown argument: " + args[i]);
            }
        }
        return new ServerOptions(config, rtmpPort, httpPort, help);
    }

    private static String next(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String flag, String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= HttpConfig.MAX_PORT) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the flag's name
        }
        throw new UsageException(flag + " must be a port number 0.." + HttpConfig.MAX_PORT + ": " + value);
    }
}
