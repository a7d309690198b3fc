package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.ingest.command.PublishTarget;
import io.ringcast.ingest.publish.MediaIngest;
import io.ringcast.ingest.publish.StaleTakeover;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link PullTarget} as the relay will be one: {@link #live} publishes {@code app/name} on an engine and returns
 * the ingest; counts calls and bytes. Pull thread; counters readable from the test thread.
 */
final class EngineTarget implements PullTarget {
    private final Engine engine;
    private final String app;
    private final String name;
    final AtomicInteger liveCalls = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    private MediaIngest ingest;

    EngineTarget(Engine engine, String app, String name) {
        this.engine = engine;
        this.app = app;
        this.name = name;
    }

    @Override
    public MediaIngest live() throws UpstreamException {
        liveCalls.incrementAndGet();
        ingest = new MediaIngest(engine.streams(), () -> PublishAuthorizer.OPEN, "pull", StaleTakeover.NEVER,
                null, engine.wallClock());
        if (ingest.startPublish(app, name, 1) != PublishTarget.Result.STARTED) {
            throw new UpstreamException("publish of " + app + "/" + name + " refused");
        }
        return ingest;
    }

    @Override
    public void bytesRead(int n) {
        bytes.addAndGet(n);
    }

    /** Ends the local publish; after the pull's run returned. */
    void stop() {
        if (ingest != null) {
            ingest.stopPublish();
        }
    }
}
