package io.ringcast.broadcast.hooks;

import java.util.Locale;

/**
 * The events an operator's service hears of: the two it decides (publish, play) and the three it is told of
 * afterwards (unpublish, stop: a viewer left, record_done). Immutable.
 */
public enum HookEvent {
    PUBLISH(true),
    UNPUBLISH(false),
    PLAY(true),
    STOP(false),
    RECORD_DONE(false);

    private final boolean asks;
    private final String key;

    HookEvent(boolean asks) {
        this.asks = asks;
        this.key = name().toLowerCase(Locale.ROOT);
    }

    /** Whether the service's answer decides (publish, play); else it is a notification, retried on failure. */
    public boolean asks() {
        return asks;
    }

    /** The name in the configuration ({@code on_<key>}) and the stats: publish, unpublish, play, stop, record_done. */
    public String key() {
        return key;
    }
}
