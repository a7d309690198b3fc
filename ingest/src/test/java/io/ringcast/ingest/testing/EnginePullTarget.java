package io.ringcast.ingest.testing;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.command.PublishTarget;
import io.ringcast.ingest.publish.MediaIngest;
import io.ringcast.ingest.publish.StaleTakeover;
import io.ringcast.ingest.upstream.PullTarget;
import io.ringcast.ingest.upstream.UpstreamException;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pull target publishing into a real engine, as the relay will: {@link #live()} starts a publish of app/name through
 * a {@link MediaIngest}; it counts the bytes read and the live() calls. Called on the pull's thread; the counters are
 * read by the test thread.
 */
public final class EnginePullTarget implements PullTarget, AutoCloseable {
    private final Engine engine;
    private final StreamPath path;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicInteger liveCalls = new AtomicInteger();
    private volatile MediaIngest ingest;

    public EnginePullTarget(Engine engine, String app, String name) {
        this.engine = engine;
        this.path = new StreamPath(app, name);
    }

    @Override
    public MediaIngest live() throws UpstreamException {
        liveCalls.incrementAndGet();
        MediaIngest media = new MediaIngest(engine.streams(), () -> PublishAuthorizer.OPEN, "pull-test",
                StaleTakeover.NEVER, null, engine.wallClock());
        PublishTarget.Result result = media.startPublish(path.app(), path.name(), 1);
        if (result != PublishTarget.Result.STARTED) {
            throw new UpstreamException("engine refused the publish of " + path + ": " + result);
        }
        ingest = media;
        return media;
    }

    @Override
    public void bytesRead(int bytes) {
        bytesRead.addAndGet(bytes);
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    public int liveCalls() {
        return liveCalls.get();
    }

    /** The engine's stream this target publishes, or null before {@link #live()}. */
    public Stream stream() {
        return engine.streams().find(path);
    }

    /** Ends the publish, on the thread that ran the pull (after run returned) or the test thread after it. */
    @Override
    public void close() {
        MediaIngest media = ingest;
        if (media != null) {
            media.stopPublish();
        }
    }
}
