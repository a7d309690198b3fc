package io.ringcast.perf.load;

import io.ringcast.perf.load.report.JsonSummary;
import io.ringcast.perf.load.report.RunSummary;
import io.ringcast.perf.load.report.TextSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The load generator's command line ({@code perf/loadgen}): parses the options, runs one {@link LoadRun}, writes
 * {@code summary.json} beside its {@code latency.hlog}, prints the short summary and exits.
 */
public final class LoadGenerator {
    /** Exit status for a bad command line. */
    public static final int EXIT_USAGE = 2;
    /** Exit status when the publisher or every viewer failed to start. */
    public static final int EXIT_SETUP_FAILED = 3;

    private LoadGenerator() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with a command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            out.print(LoadOptions.USAGE);
            return 0;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            err.println("loadgen: " + e.getMessage());
            err.print(LoadOptions.USAGE);
            return EXIT_USAGE;
        }
        RunSummary summary;
        try {
            summary = new LoadRun(options, out).run();
        } catch (LoadRun.SetupException e) {
            err.println("loadgen: " + e.getMessage());
            return EXIT_SETUP_FAILED;
        }
        Path json = options.out().resolve("summary.json");
        JsonSummary.write(summary, json);
        TextSummary.print(summary, out);
        out.println("wrote " + json + " and " + options.out().resolve("latency.hlog"));
        if (!LoadRun.anyViewerAccepted(summary)) {
            err.println("loadgen: the server accepted no viewer");
            return EXIT_SETUP_FAILED;
        }
        return 0;
    }
}
