package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HLS viewers as play sessions: HLS has no connection that ends, only playlist requests every target duration (or
 * every part). A viewer is its address, stream and User-Agent; its first allowed playlist request starts a session,
 * later ones renew it without asking the play hook again, and a session no request renewed for the timeout has
 * ended (the stop hook hears of it). At most {@code maxSessions} are kept, so a flood of addresses cannot grow it;
 * beyond that, requests are asked about each time and have no stop. Thread-safe: renewed on request threads,
 * started on hook threads, expired on the hooks' timer.
 */
final class HlsPlaySessions {
    private final NanoClock clock;
    private final long timeoutNs;
    private final int maxSessions;
    private final Map<Viewer, Session> sessions = new ConcurrentHashMap<>();

    HlsPlaySessions(NanoClock clock, long timeoutMs, int maxSessions) {
        this.clock = clock;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.maxSessions = maxSessions;
    }

    /** Whether {@code request} belongs to a live session, which it renews: then it needs no asking. */
    boolean renew(HookRequest request) {
        Session session = sessions.get(Viewer.of(request));
        if (session == null) {
            return false;
        }
        long now = clock.nanoTime();
        if (now - session.lastRequestNs >= timeoutNs) {
            return false; // ended; the next expiry pass tells the stop hook, the caller asks again
        }
        session.lastRequestNs = now;
        return true;
    }

    /** The play hook allowed {@code request}: its viewer's session starts now (or is renewed). */
    void start(HookRequest request) {
        Viewer viewer = Viewer.of(request);
        Session live = sessions.get(viewer);
        if (live != null) {
            live.lastRequestNs = clock.nanoTime();
        } else if (sessions.size() < maxSessions) {
            sessions.putIfAbsent(viewer, new Session(request, clock.nanoTime()));
        }
    }

    /** Removes every session no request renewed for the timeout and hands its first request to {@code ended}. */
    void expire(Consumer<HookRequest> ended) {
        long now = clock.nanoTime();
        for (Iterator<Map.Entry<Viewer, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Viewer, Session> e = it.next();
            if (now - e.getValue().lastRequestNs >= timeoutNs && sessions.remove(e.getKey(), e.getValue())) {
                ended.accept(e.getValue().started);
            }
        }
    }

    int size() {
        return sessions.size();
    }

    /** Who is watching: one HLS player. */
    private record Viewer(String address, StreamPath path, String userAgent) {
        static Viewer of(HookRequest request) {
            return new Viewer(request.address(), request.path(), request.flashVer());
        }
    }

    /** A session: the request that started it (what on_stop reports) and when it was last renewed. */
    private static final class Session {
        final HookRequest started;
        volatile long lastRequestNs;

        Session(HookRequest started, long lastRequestNs) {
            this.started = started;
            this.lastRequestNs = lastRequestNs;
        }
    }
}
