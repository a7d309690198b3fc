package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.List;

/**
 * A {@code [[pull]]} rule: streams matching {@code match} are pulled from {@code from}, tried in order (failover).
 *
 * @param match    the local paths it supplies
 * @param from     upstream URLs with {@code {app}} {@code {name}} placeholders, in failover order
 * @param onDemand pulled when a viewer asks (true) or from startup, always (false; {@code match} names one path)
 */
public record PullRule(PathGlob match, List<UrlTemplate> from, boolean onDemand) {
    public PullRule {
        from = List.copyOf(from);
        if (from.isEmpty()) {
            throw new IllegalArgumentException("from must list at least one URL");
        }
        if (!onDemand && !match.isLiteral()) {
            throw new IllegalArgumentException("on_demand = false needs a match naming one stream (app/name), not "
                    + "the pattern \"" + match + "\"");
        }
    }

    /** The upstreams of {@code path}, in failover order. */
    public List<UpstreamUrl> urlsFor(StreamPath path) {
        return from.stream().map(t -> t.urlFor(path)).toList();
    }
}
