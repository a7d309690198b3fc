package io.ringcast.ingest.relay;

import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.upstream.HttpFlvPull;
import io.ringcast.ingest.upstream.RtmpPull;
import io.ringcast.ingest.upstream.RtmpPush;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.function.Function;

/**
 * The one place that picks the production client for an upstream or target URL by scheme: {@link RtmpPull} or
 * {@link HttpFlvPull} for pulls, {@link RtmpPush} for pushes, each with the configured connect and read timeouts and
 * the engine's clock.
 */
final class UpstreamClients {
    private UpstreamClients() {
    }

    /** Pull clients: rtmp → RtmpPull, http → HttpFlvPull. */
    static Function<UpstreamUrl, UpstreamPull> pulls(RelayConfig config, NanoClock clock) {
        int connectMs = (int) config.connectTimeoutMs();
        int readMs = (int) config.readTimeoutMs();
        return url -> url.isRtmp()
                ? new RtmpPull(url, connectMs, readMs, clock)
                : new HttpFlvPull(url, connectMs, readMs, clock);
    }

    /** Push clients: rtmp → RtmpPush (the only scheme a push target may have). */
    static Function<UpstreamUrl, UpstreamPush> pushes(RelayConfig config, NanoClock clock) {
        int connectMs = (int) config.connectTimeoutMs();
        int readMs = (int) config.readTimeoutMs();
        return url -> {
            if (!url.isRtmp()) {
                throw new IllegalArgumentException("a push target must be an rtmp:// URL: " + url);
            }
            return new RtmpPush(url, connectMs, readMs, clock);
        };
    }
}
