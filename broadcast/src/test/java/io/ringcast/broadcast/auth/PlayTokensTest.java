package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.ManualWallClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/** Signed play URLs on a manual wall clock: valid until expires, and never signed for longer than the maximum. */
@Timeout(10)
class PlayTokensTest {
    private static final String SECRET = "play-secret-0123456789abcdef0123456789";
    private static final StreamPath PATH = StreamPath.parse("live/x");
    private static final long MAX_LIFETIME_S = 86_400;

    private final ManualWallClock clock = new ManualWallClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final PlayTokens tokens = new PlayTokens(SECRET, clock, MAX_LIFETIME_S);
    private final long now = clock.instant().getEpochSecond();

    private PlayTokens.Check check(long expires) {
        return tokens.check(PATH, Long.toString(expires), tokens.sign(PATH, expires));
    }

    @Test
    void shouldAcceptATokenUntilItExpires() {
        assertTrue(check(now + 60).allowed());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(check(now + 60).allowed());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new PlayTokens.Check(false, "token expired"), check(now + 60));
    }

    @Test
    void shouldRefuseATokenThatExpiresFurtherAheadThanTheMaximumLifetime() {
        assertTrue(check(now + MAX_LIFETIME_S).allowed());
        assertEquals(new PlayTokens.Check(false, "expires is more than 86400 s ahead (the maximum lifetime)"),
                check(now + MAX_LIFETIME_S + 1));
        assertFalse(check(Long.MAX_VALUE).allowed(), "expires=9223372036854775807");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(check(now + MAX_LIFETIME_S + 1).allowed(), "valid once it is within the maximum");
    }

    @Test
    void shouldRefuseAForgedTokenBeforeLookingAtTime() {
        assertEquals("invalid token", tokens.check(PATH, Long.toString(Long.MAX_VALUE), "00".repeat(32)).reason());
        assertEquals("invalid token", tokens.check(StreamPath.parse("live/y"), Long.toString(now + 60),
                tokens.sign(PATH, now + 60)).reason());
    }

    @Test
    void shouldRefuseANonPositiveMaximumLifetimeNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PlayTokens(SECRET, clock, 0));
        assertTrue(e.getMessage().endsWith(": 0"), e.getMessage());
    }
}
