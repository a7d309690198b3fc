package io.ringcast.web.testing;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.relay.RelayRefusedException;
import io.ringcast.ingest.relay.RelayState;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link Relays} for web tests, until the relay plugin's lands: API starts become views in a list (or the refusal
 * the test set), stops remove them, the proxy form answers from the test's origin table. Thread-safe.
 */
public final class FakeRelays implements Relays {
    /** Refusal the next starts throw, or null. */
    private volatile RelayRefusedException refusal;
    private final List<RelayView> views = new CopyOnWriteArrayList<>();
    private final List<RelayView> endedViews = new CopyOnWriteArrayList<>();
    /** Origin name to the stream the proxy form answers (null: refused 403 like an unknown origin). */
    private final Map<String, Function<String, Stream>> origins = new ConcurrentHashMap<>();
    /** Ports the origins may use; -1 stands for "none named". */
    private final List<Integer> allowedPorts = new CopyOnWriteArrayList<>(List.of(-1, 1935));
    /** Every proxy-form call: origin, port, app, stream. */
    public final List<String> proxyCalls = new CopyOnWriteArrayList<>();

    /** Makes the next starts throw {@code e} (null: accept again). */
    public void refuseWith(RelayRefusedException e) {
        refusal = e;
    }

    /** Makes {@code name} a known origin whose streams {@code app/stream} come from {@code streams}. */
    public void origin(String name, Function<String, Stream> streams) {
        origins.put(name, streams);
    }

    /** Adds a view as the relay manager would list it. */
    public void add(RelayView view) {
        views.add(view);
    }

    /** A live view of {@code direction:app/name} with every field set to something recognisable. */
    public static RelayView view(String direction, String app, String name, String url) {
        String masked = UpstreamUrl.maskText(url);
        return new RelayView(direction + ":" + app + "/" + name, direction, new StreamPath(app, name), "api",
                List.of(masked), masked, RelayState.LIVE, 0, "", 12_345, 678, 2, 3, 1_700_000_000_000L);
    }

    @Override
    public RelayView startPull(String app, String name, String url) {
        return start("pull", app, name, url);
    }

    @Override
    public boolean stopPull(String app, String name) {
        return views.removeIf(v -> v.key().equals("pull:" + app + "/" + name));
    }

    @Override
    public RelayView startPush(String app, String name, String url) {
        return start("push", app, name, url);
    }

    @Override
    public boolean stopPush(String app, String name) {
        return views.removeIf(v -> v.key().equals("push:" + app + "/" + name));
    }

    private RelayView start(String direction, String app, String name, String url) {
        RelayRefusedException e = refusal;
        if (e != null) {
            throw e;
        }
        RelayView view = view(direction, app, name, url);
        views.add(view);
        return view;
    }

    @Override
    public Stream pullFromOrigin(String origin, int port, String app, String stream) {
        proxyCalls.add(origin + " " + port + " " + app + " " + stream);
        Function<String, Stream> streams = origins.get(origin);
        if (streams == null) {
            throw new RelayRefusedException(403, "unknown origin '" + origin + "': not in [origins]");
        }
        if (!allowedPorts.contains(port)) {
            throw new RelayRefusedException(403, "origin '" + origin + "' may not use port " + port);
        }
        Stream found = streams.apply(app + "/" + stream);
        if (found == null) {
            throw new RelayRefusedException(503, "max_pulls reached");
        }
        return found;
    }

    @Override
    public List<RelayView> relays() {
        return new ArrayList<>(views);
    }

    /** Adds a relay that ended: {@link #ended()} lists it, newest first. */
    public void addEnded(RelayView view) {
        endedViews.add(0, view);
    }

    @Override
    public List<RelayView> ended() {
        return new ArrayList<>(endedViews);
    }

    @Override
    public List<RelayView> relaysOf(StreamPath path) {
        return views.stream().filter(v -> v.path().equals(path)).toList();
    }
}
