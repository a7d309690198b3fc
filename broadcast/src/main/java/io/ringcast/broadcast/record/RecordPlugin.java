package io.ringcast.broadcast.record;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Recording as an engine plugin, section {@code [record]}, off unless enabled: every stream the rules select is
 * recorded from its start, and {@link Recordings} is registered as an engine service for stats (the last
 * {@code kept_outcomes} file outcomes too) and for starting and stopping recordings on request. Startup and
 * shutdown only; recordings run on their own threads.
 */
public final class RecordPlugin implements Plugin, StreamListener {
    private static final Logger LOG = LoggerFactory.getLogger(RecordPlugin.class);
    /** Outcomes of recording files kept for {@code GET /api/recordings}, by default. */
    public static final int DEFAULT_KEPT_OUTCOMES = 100;
    private static final int MAX_KEPT_OUTCOMES = 100_000;

    private boolean enable;
    private RecordConfig config = RecordConfig.defaults();
    private int keptOutcomes = DEFAULT_KEPT_OUTCOMES;
    private Engine engine;
    private Recordings recordings;

    @Override
    public String name() {
        return "record";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public void configure(ConfigSection section) {
        enable = section.getBoolean("enable", false);
        keptOutcomes = section.getInt("kept_outcomes", DEFAULT_KEPT_OUTCOMES, 1, MAX_KEPT_OUTCOMES);
        try {
            config = RecordConfig.read(section);
        } catch (IllegalArgumentException e) {
            throw section.error("", e.getMessage());
        }
    }

    @Override
    public boolean enabled() {
        return enable;
    }

    public RecordConfig config() {
        return config;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        try {
            Files.createDirectories(config.directory());
        } catch (IOException e) {
            // Not fatal: each recording reports the error where it is seen (log, stats); live streams go on.
            LOG.error("recording directory {} is unusable, recordings will fail: {}", config.directory(),
                    e.toString());
        }
        recordings = new Recordings(engine.streams(), config, engine.clock(), engine.wallClock()::millis,
                keptOutcomes);
        engine.registerService(Recordings.class, recordings);
        engine.streams().addListener(this);
        LOG.info("recording {} to {} (files of at most {} s and {} bytes, forced every {} ms)", config.rules(),
                config.directory().toAbsolutePath(), config.maxDurationMs() / 1_000, config.maxSizeBytes(),
                config.flushIntervalMs());
    }

    @Override
    public void onStreamStarted(Stream stream) {
        recordings.onStreamStarted(stream);
    }

    @Override
    public void stop() {
        engine.streams().removeListener(this);
        recordings.close();
        engine.unregisterService(Recordings.class, recordings);
    }
}
