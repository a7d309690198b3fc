package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.List;

/**
 * A snapshot of one relay for the API. Every URL in it has its credentials masked.
 *
 * @param key             livego's session key: {@code pull:app/name} or {@code push:app/name[->url]}
 * @param direction       "pull" or "push"
 * @param path            the local stream
 * @param origin          what started it: "config" (a rule), "api", "proxy" (the proxy form), "on-demand"
 * @param urls            the upstreams (pull, failover order) or the targets (push)
 * @param currentUrl      the URL in use or last tried
 * @param state           where it is
 * @param retryAtEpochMs  when the next attempt starts while {@link RelayState#BACKING_OFF}, else 0
 * @param failure         the last failure's reason, or "" when none
 * @param bytes           bytes read from the upstream (pull) or written to the target (push)
 * @param frames          frames received (pull) or sent (push)
 * @param reconnects      attempts after the first
 * @param skips           frames skipped because the target was slow (push; 0 for pulls)
 * @param sinceEpochMs    when the relay started
 */
public record RelayView(String key, String direction, StreamPath path, String origin, List<String> urls,
                        String currentUrl, RelayState state, long retryAtEpochMs, String failure, long bytes,
                        long frames, long reconnects, long skips, long sinceEpochMs) {
}
