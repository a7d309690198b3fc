package io.ringcast.web;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * Command-line entry point of the standalone server (see {@link ServerOptions#USAGE}); runs on the main thread,
 * which returns once the server is up. SIGTERM or Ctrl-C closes the server gracefully through a shutdown hook.
 *
 * <p>Exit codes: 0 after {@code --help}, 1 when the configuration or startup fails, 2 for a bad command line.
 */
public final class RingcastMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_STARTUP_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /** Returned by {@link #run} when the server is running and the JVM must stay up. */
    public static final int RUNNING = -1;

    private RingcastMain() {
    }

    public static void main(String[] args) {
        // Before any Undertow class loads: route its JBoss Logging output through SLF4J.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        int exit = run(args, System.out, System.err);
        if (exit != RUNNING) {
            System.exit(exit);
        }
    }

    /** Parses the flags and starts the server; returns an exit code, or {@link #RUNNING}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (ServerOptions.UsageException e) {
            err.println("ringcast: " + e.getMessage());
            err.print(ServerOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(ServerOptions.USAGE);
            return EXIT_OK;
        }
        options.rtmpPort().ifPresent(p -> System.setProperty(ServerOptions.RTMP_PORT_PROPERTY, Integer.toString(p)));
        Logger log = LoggerFactory.getLogger(RingcastMain.class);
        RingcastServer server;
        try {
            ConfigFile config = options.config().map(ConfigFile::load).orElseGet(ConfigFile::empty);
            server = RingcastServer.start(config, options.httpPort());
        } catch (ConfigException e) {
            err.println("ringcast: configuration error: " + e.getMessage());
            return EXIT_STARTUP_FAILED;
        } catch (RuntimeException e) {
            log.error("startup failed", e);
            return EXIT_STARTUP_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ringcast-shutdown"));
        return RUNNING;
    }
}
