package io.ringcast.ingest.relay;

import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.upstream.UpstreamException;
import io.ringcast.ingest.upstream.UpstreamPull;
import io.ringcast.ingest.upstream.UpstreamPush;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.function.Function;

/**
 * THE one place that picks the production client for an upstream or target URL by scheme. Until the RTMP and
 * HTTP-FLV clients are merged (issue 13: RtmpPull, HttpFlvPull, RtmpPush), an attempt fails with a clear reason,
 * which the relay shows and retries like any other failure.
 */
final class UpstreamClients {
    private UpstreamClients() {
    }

    /** Pull clients: rtmp → RtmpPull, http → HttpFlvPull, with the configured connect and read timeouts. */
    static Function<UpstreamUrl, UpstreamPull> pulls(RelayConfig config, NanoClock clock) {
        // Once merged: an rtmp URL gets new RtmpPull(url, connect, read, clock), an http URL
        // new HttpFlvPull(url, connect, read, clock), with connect_timeout_ms and read_timeout_ms.
        return url -> new MissingClient(url.scheme() + " pull");
    }

    /** Push clients: rtmp → RtmpPush (through a small adapter to {@link UpstreamPush}), with the timeouts. */
    static Function<UpstreamUrl, UpstreamPush> pushes(RelayConfig config, NanoClock clock) {
        return url -> {
            throw new IllegalStateException("no " + url.scheme() + " push client in this build");
        };
    }

    /** An attempt that fails at once, naming the missing client. */
    private record MissingClient(String what) implements UpstreamPull {
        @Override
        public void run(io.ringcast.ingest.upstream.PullTarget target) throws UpstreamException {
            throw new UpstreamException("no " + what + " client in this build");
        }

        @Override
        public void close() {
        }
    }
}
