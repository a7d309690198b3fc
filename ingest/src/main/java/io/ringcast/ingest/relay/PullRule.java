package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.List;
import java.util.Optional;

/**
 * A {@code [[pull]]} rule: streams matching {@code match} are pulled from {@code from}, tried in order (failover).
 *
 * @param match    the local paths it supplies
 * @param from     upstream URLs with {@code {app}} {@code {name}} placeholders, in failover order
 * @param onDemand pulled when a viewer asks (true) or from startup, always (false; {@code match} names one path)
 * @param backup   a second upstream pulled at the same time as the stream's backup source (viewers switch to it
 *                 while the {@code from} pull delivers nothing for {@code [backup] switch_after_ms}); or null
 */
public record PullRule(PathGlob match, List<UrlTemplate> from, boolean onDemand, UrlTemplate backup) {
    /** A rule without backup upstream. */
    public PullRule(PathGlob match, List<UrlTemplate> from, boolean onDemand) {
        this(match, from, onDemand, null);
    }

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

    /** The backup upstream of {@code path}, if the rule has one. */
    public Optional<UpstreamUrl> backupUrlFor(StreamPath path) {
        return backup == null ? Optional.empty() : Optional.of(backup.urlFor(path));
    }

    /** The upstreams of {@code path}, in failover order. */
    public List<UpstreamUrl> urlsFor(StreamPath path) {
        return from.stream().map(t -> t.urlFor(path)).toList();
    }
}
