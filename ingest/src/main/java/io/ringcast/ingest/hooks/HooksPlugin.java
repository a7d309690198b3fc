package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.hooks.StreamHooks;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.record.RecordingOutcome;
import io.ringcast.broadcast.record.Recordings;
import io.ringcast.ingest.relay.RelayManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Hooks as an engine plugin ({@code [hooks]}): registers {@link HookStats} and, when any {@code on_*} URL is set,
 * the {@link StreamHooks} the protocols ask; tells {@code on_record_done} of every finished recording. Started
 * after the relays and recording (their services are looked up at start). Startup and shutdown only; calls run on
 * the hook client's threads: {@code threads} answer threads, one timer thread and the HTTP client's selector.
 */
public final class HooksPlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger(HooksPlugin.class);
    private static final int ORDER = 80;
    private static final long STOP_WAIT_MS = 1_000;
    /** How often ended HLS viewers are looked for: their stop is told within this of the session timeout. */
    private static final long SESSION_SWEEP_MS = 1_000;

    private HooksConfig config = HooksConfig.DEFAULTS;
    private Engine engine;
    private HookStats stats;
    private HttpHooks hooks;
    private ExecutorService pool;
    private ScheduledThreadPoolExecutor timer;
    private java.util.concurrent.ScheduledFuture<?> sessionSweep;
    private HttpClient http;
    private HookClient client;
    private Recordings recordings;
    private Consumer<RecordingOutcome> recordListener;

    @Override
    public String name() {
        return HooksConfig.SECTION;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public void configure(ConfigSection section) {
        config = HooksConfig.read(section);
    }

    @Override
    public boolean enabled() {
        return config.enable();
    }

    public HooksConfig config() {
        return config;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        stats = new HookStats();
        engine.registerService(HookStats.class, stats);
        engine.registerService(HooksPlugin.class, this);
        if (!config.anyUrl()) {
            return;
        }
        AtomicInteger threadNumber = new AtomicInteger();
        pool = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "ringcast-hooks-" + threadNumber.incrementAndGet()));
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "ringcast-hooks-timer"));
        timer.setRemoveOnCancelPolicy(true);
        http = buildOutsideTheApplicationsLoader(HttpClient.newBuilder()
                .executor(pool)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // a 3xx is an answer (nginx-rtmp's redirect)
                .connectTimeout(Duration.ofMillis(config.timeoutMs())));
        client = new HookClient(http, HookStyle.named(config.style()), stats, engine.clock(), timer, config);
        hooks = new HttpHooks(config, client, stats, () -> engine.service(RelayManager.class), engine.clock());
        engine.registerService(StreamHooks.class, hooks);
        // Cancelled with the timer at stop; the pass itself never throws (a thrown pass would end the schedule).
        sessionSweep = timer.scheduleAtFixedRate(hooks::expireSessions, SESSION_SWEEP_MS, SESSION_SWEEP_MS,
                TimeUnit.MILLISECONDS);
        recordings = engine.service(Recordings.class);
        if (recordings != null) {
            recordListener = outcome -> {
                if (outcome.file() != null) {
                    hooks.recordDone(new HookRequest("record", "", "", outcome.stream(), "", "", "", "", "",
                            outcome.file()));
                }
            };
            recordings.outcomes().addListener(recordListener);
        }
        LOG.info("hooks ({}): {}, timeout {} ms, on_failure {}", config.style(), config.urls().keySet(),
                config.timeoutMs(), config.allowOnFailure() ? "allow" : "refuse");
    }

    /** Calls open now: 0 once every call answered or timed out. */
    public int callsInFlight() {
        return client == null ? 0 : client.inFlight();
    }

    /** HLS viewers being watched as sessions now (see {@code hls_session_timeout_ms}). */
    public int hlsSessions() {
        return hooks == null ? 0 : hooks.hlsSessions();
    }

    @Override
    public void stop() {
        if (engine == null) {
            return;
        }
        engine.unregisterService(HookStats.class, stats);
        engine.unregisterService(HooksPlugin.class, this);
        if (hooks != null) {
            engine.unregisterService(StreamHooks.class, hooks);
        }
        if (recordings != null) {
            recordings.outcomes().removeListener(recordListener);
        }
        if (timer != null) {
            sessionSweep.cancel(false);
            timer.shutdownNow();
            pool.shutdownNow();
            try {
                pool.awaitTermination(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeClient(http);
            http = null; // unreachable now: on Java 17 its selector thread ends once the client is collected
            client = null;
            hooks = null;
        }
        engine = null;
    }

    /**
     * Builds the client with the system class loader as the context loader its selector thread inherits: on Java 17
     * that thread outlives {@link #stop} until the client is collected (then it ends by itself), and must not hold a
     * web application's class loader meanwhile (Tomcat reports it as a leak on undeploy).
     */
    private static HttpClient buildOutsideTheApplicationsLoader(HttpClient.Builder builder) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            return builder.build();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Java 21's HttpClient is AutoCloseable and ends its selector thread; on 17 it ends once unreachable. */
    private static void closeClient(HttpClient client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("hook client not closed cleanly: {}", e.toString());
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
