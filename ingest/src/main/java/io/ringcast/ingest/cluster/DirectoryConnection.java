package io.ringcast.ingest.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Whether the directory's Redis is up: down as soon as a call fails (with its reason), up again only when the
 * cluster thread's probe succeeds. Each change is logged once; {@link #snapshot} never blocks. Thread-safe.
 */
final class DirectoryConnection {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryConnection.class);
    static final String NOT_CONNECTED = "not connected yet";

    private final String shownUrl;
    private final Clock wallClock;
    private volatile boolean up;
    private volatile long sinceEpochMs;
    private volatile String lastError = NOT_CONNECTED;
    /** Whether a publish accepted without a claim was logged in this outage (monitor). */
    private boolean unclaimedPublishLogged;

    /**
     * @param shownUrl the directory URL with its credentials masked, for the log
     */
    DirectoryConnection(String shownUrl, Clock wallClock) {
        this.shownUrl = shownUrl;
        this.wallClock = wallClock;
        this.sinceEpochMs = wallClock.millis();
    }

    boolean isUp() {
        return up;
    }

    String lastError() {
        return lastError;
    }

    /**
     * A Redis call failed: down from now on (logged once per outage, with the reason; also when the very first
     * connection fails).
     */
    synchronized void markDown(String reason) {
        boolean firstAttempt = NOT_CONNECTED.equals(lastError);
        lastError = reason;
        if (firstAttempt) {
            LOG.warn("stream directory {} unreachable: {}; lookups fail at once and publishes are accepted locally "
                    + "until it answers", shownUrl, reason);
            return;
        }
        if (!up) {
            return;
        }
        up = false;
        sinceEpochMs = wallClock.millis();
        unclaimedPublishLogged = false;
        LOG.warn("stream directory {} DOWN: {}; lookups fail at once and publishes are accepted locally until it "
                + "returns", shownUrl, reason);
    }

    /** The probe succeeded (and this node's heartbeat is written): up from now on (logged once). */
    synchronized void markUp() {
        if (up) {
            return;
        }
        boolean first = NOT_CONNECTED.equals(lastError);
        long downMs = wallClock.millis() - sinceEpochMs;
        up = true;
        sinceEpochMs = wallClock.millis();
        String was = lastError;
        lastError = "";
        if (first) {
            LOG.info("stream directory {} up", shownUrl);
        } else {
            LOG.info("stream directory {} UP again after {} ms down ({})", shownUrl, downMs, was);
        }
    }

    /** Logs, once per outage, that a publish was accepted without a claim. */
    synchronized void noteUnclaimedPublish(Object path) {
        if (!unclaimedPublishLogged) {
            unclaimedPublishLogged = true;
            LOG.warn("stream directory down ({}): {} accepted locally without a claim; it and any further ones are "
                    + "registered when the directory returns", lastError, path);
        }
    }

    DirectoryStatus snapshot(int pendingRegistrations) {
        return new DirectoryStatus(up, sinceEpochMs, up ? "" : lastError, pendingRegistrations);
    }
}
