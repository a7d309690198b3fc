package io.ringcast.ingest.relay;

import java.util.List;

/**
 * A {@code [[push]]} rule: every stream published here that matches {@code match} is pushed to each of {@code to}.
 *
 * @param match the local paths it pushes
 * @param to    target URLs with {@code {app}} {@code {name}} placeholders; each gets its own push
 */
public record PushRule(PathGlob match, List<UrlTemplate> to) {
    public PushRule {
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("to must list at least one URL");
        }
    }
}
