package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.hooks.HookEvent;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code [hooks]} section: a URL per event ({@code on_publish}, {@code on_unpublish}, {@code on_play},
 * {@code on_stop}, {@code on_record_done}; "" = not called), the shape the calls take, their timeout, what a failed
 * call means, how notifications are retried, and the bounds of the client. Immutable.
 *
 * @param urls             the events that have a URL
 * @param style            "nginx-rtmp" or "srs"
 * @param timeoutMs        the longest a publish or play waits for its answer, queueing included
 * @param allowOnFailure   {@code on_failure = "allow"}: a call that timed out or failed allows; else it refuses
 * @param notifyRetries    how many times a failed notification (unpublish, stop, record_done) is sent again
 * @param notifyBackoffMs  the wait before the first retry, doubling for each further one
 * @param maxInFlight      hook calls open at once; more wait in a queue
 * @param maxQueued        calls that may wait; beyond it a call fails at once (counted as failed)
 * @param threads          threads of the hook client (it runs answers, never waits on a socket)
 * @param hlsSessionTimeoutMs an HLS viewer (address, stream, User-Agent) whose play was allowed is not asked again
 *                         while it keeps requesting the playlist; this long after its last request it has left
 *                         ({@code on_stop})
 */
public record HooksConfig(boolean enable, Map<HookEvent, URI> urls, String style, long timeoutMs,
                          boolean allowOnFailure, int notifyRetries, long notifyBackoffMs, int maxInFlight,
                          int maxQueued, int threads, long hlsSessionTimeoutMs) {
    public static final String SECTION = "hooks";
    public static final long DEFAULT_TIMEOUT_MS = 3_000;
    public static final HooksConfig DEFAULTS = new HooksConfig(true, Map.of(), "nginx-rtmp", DEFAULT_TIMEOUT_MS,
            false, 3, 1_000, 256, 10_000, 2, 15_000);

    public HooksConfig {
        urls = Map.copyOf(urls);
    }

    /** The URL of {@code event}, or null when it is not called. */
    public URI url(HookEvent event) {
        return urls.get(event);
    }

    /** Whether any event is called. */
    public boolean anyUrl() {
        return !urls.isEmpty();
    }

    /** Reads and checks {@code [hooks]}; a bad value fails with the file, line and key. */
    public static HooksConfig read(ConfigSection section) {
        HooksConfig d = DEFAULTS;
        boolean enable = section.getBoolean("enable", d.enable());
        Map<HookEvent, URI> urls = new EnumMap<>(HookEvent.class);
        for (HookEvent event : HookEvent.values()) {
            String key = "on_" + event.key();
            String text = section.getString(key, "").trim();
            if (!text.isEmpty()) {
                urls.put(event, httpUrl(section, key, text));
            }
        }
        String style = section.getString("style", d.style());
        if (HookStyle.named(style) == null) {
            throw section.error("style", "must be \"nginx-rtmp\" or \"srs\", is \"" + style + "\"");
        }
        long timeoutMs = section.getLong("timeout_ms", d.timeoutMs(), 1, 600_000);
        String onFailure = section.getString("on_failure", "refuse");
        if (!onFailure.equals("refuse") && !onFailure.equals("allow")) {
            throw section.error("on_failure", "must be \"refuse\" or \"allow\", is \"" + onFailure + "\"");
        }
        int retries = section.getInt("notify_retries", d.notifyRetries(), 0, 100);
        long backoffMs = section.getLong("notify_backoff_ms", d.notifyBackoffMs(), 1, 3_600_000);
        int maxInFlight = section.getInt("max_in_flight", d.maxInFlight(), 1, 100_000);
        int maxQueued = section.getInt("max_queued", d.maxQueued(), 0, 1_000_000);
        int threads = section.getInt("threads", d.threads(), 1, 256);
        long hlsSessionMs = section.getLong("hls_session_timeout_ms", d.hlsSessionTimeoutMs(), 1_000, 3_600_000);
        return new HooksConfig(enable, urls, style, timeoutMs, onFailure.equals("allow"), retries, backoffMs,
                maxInFlight, maxQueued, threads, hlsSessionMs);
    }

    private static URI httpUrl(ConfigSection section, String key, String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw section.error(key, "is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw section.error(key, "must be an http:// or https:// URL with a host");
        }
        return uri;
    }
}
