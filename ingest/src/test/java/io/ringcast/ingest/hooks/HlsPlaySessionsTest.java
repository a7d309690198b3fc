package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HLS play sessions on an injected clock: renewal, expiry with the stop told once, one session per viewer, cap. */
class HlsPlaySessionsTest {
    private static final long TIMEOUT_MS = 15_000;

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final HlsPlaySessions sessions = new HlsPlaySessions(clock, TIMEOUT_MS, 3);
    private final List<HookRequest> ended = new ArrayList<>();

    private static HookRequest playlist(String address, String name, String userAgent, String clientId) {
        return new HookRequest("hls", clientId, address, new StreamPath("live", name), "", "http://h/live",
                userAgent, "", "", "");
    }

    @Test
    void shouldRenewASessionWhileRequestsComeAndEndItOnceTheyStop() {
        HookRequest first = playlist("10.0.0.7", "cam", "Safari", "1");
        assertFalse(sessions.renew(first), "not asked yet: no session");
        sessions.start(first);
        for (int i = 0; i < 10; i++) { // a playlist every 2 s for 20 s
            clock.advance(Duration.ofSeconds(2));
            assertTrue(sessions.renew(playlist("10.0.0.7", "cam", "Safari", "9" + i)));
            sessions.expire(ended::add);
        }
        assertEquals(List.of(), ended);

        clock.advance(Duration.ofMillis(TIMEOUT_MS - 1));
        sessions.expire(ended::add);
        assertEquals(List.of(), ended, "a millisecond before the timeout: still watching");
        clock.advance(Duration.ofMillis(1));
        assertFalse(sessions.renew(first), "ended: a new request is asked about again");
        sessions.expire(ended::add);
        sessions.expire(ended::add);
        assertEquals(1, ended.size(), "told once");
        assertSame(first, ended.get(0), "the stop reports the request that was allowed (its client id)");
        assertEquals(0, sessions.size());
    }

    @Test
    void shouldKeepOneSessionPerAddressStreamAndUserAgent() {
        sessions.start(playlist("10.0.0.7", "cam", "Safari", "1"));
        sessions.start(playlist("10.0.0.7", "cam", "Safari", "2"));
        assertEquals(1, sessions.size());
        assertFalse(sessions.renew(playlist("10.0.0.8", "cam", "Safari", "3")), "another address");
        assertFalse(sessions.renew(playlist("10.0.0.7", "cam2", "Safari", "4")), "another stream");
        assertFalse(sessions.renew(playlist("10.0.0.7", "cam", "hls.js", "5")), "another player");
    }

    @Test
    void shouldRememberNoMoreThanItsMaximumAndAskTheRestEachTime() {
        for (int i = 0; i < 5; i++) {
            sessions.start(playlist("10.0.0." + i, "cam", "", Integer.toString(i)));
        }
        assertEquals(3, sessions.size());
        assertTrue(sessions.renew(playlist("10.0.0.2", "cam", "", "x")));
        assertFalse(sessions.renew(playlist("10.0.0.4", "cam", "", "y")), "over the cap: not remembered");
        clock.advance(Duration.ofMillis(TIMEOUT_MS));
        sessions.expire(ended::add);
        assertEquals(3, ended.size());
        assertEquals(0, sessions.size());
    }
}
