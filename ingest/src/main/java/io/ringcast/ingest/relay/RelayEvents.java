package io.ringcast.ingest.relay;

import java.util.HashMap;
import java.util.Map;

/**
 * Logs one relay's changes once each: its start, going live, the first backing off after live or start, a failure
 * reason an upstream has not given before, and its end. A dead upstream retried every few seconds logs nothing
 * new. Guarded by the owning relay's monitor.
 */
final class RelayEvents {
    private final String label;
    private final RelayLog log;
    private final Map<String, String> lastReasonByUrl = new HashMap<>();
    private RelayState logged;

    RelayEvents(String label, RelayLog log) {
        this.label = label;
        this.log = log;
    }

    void started(String detail) {
        logged = RelayState.CONNECTING;
        log.info(label + " started: " + detail);
    }

    void live(String url) {
        lastReasonByUrl.clear();
        logged = RelayState.LIVE;
        log.info(label + " live from " + url);
    }

    void failed(String url, String reason) {
        if (!reason.equals(lastReasonByUrl.put(url, reason))) {
            log.warn(label + ": " + url + " failed: " + reason);
        }
    }

    void backingOff(String detail) {
        if (logged != RelayState.BACKING_OFF) {
            logged = RelayState.BACKING_OFF;
            log.warn(label + " backing off: " + detail);
        }
    }

    void ended(RelayState state, String reason) {
        logged = state;
        log.info(label + " " + state.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason);
    }
}
