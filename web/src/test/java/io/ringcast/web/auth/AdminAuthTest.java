package io.ringcast.web.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.broadcast.time.ManualWallClock;
import io.ringcast.web.control.AdminAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The admin JWT's time rules, on a manual wall clock: exp required, nbf honoured, leeway, maximum lifetime. */
@Timeout(10)
class AdminAuthTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-ringcast-test";
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");
    private static final long LEEWAY_S = 30;
    private static final long MAX_LIFETIME_S = 3_600;

    private final ManualWallClock clock = new ManualWallClock(START);
    private final AdminAuth auth = new AdminAuth(SECRET, clock, LEEWAY_S, MAX_LIFETIME_S);

    private static String token(Consumer<JWTClaimsSet.Builder> claims) throws Exception {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().subject("admin");
        claims.accept(builder);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), builder.build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static Date at(long secondsFromStart) {
        return Date.from(START.plusSeconds(secondsFromStart));
    }

    @Test
    void shouldRefuseATokenWithoutExp() throws Exception {
        AdminAuth.Verdict verdict = auth.check(token(c -> c.issueTime(at(0))));
        assertFalse(verdict.allowed());
        assertEquals(403, verdict.status());
        assertEquals("token has no exp: admin tokens must expire", verdict.reason());
    }

    @Test
    void shouldExpireAtExpPlusTheLeeway() throws Exception {
        String jwt = token(c -> c.issueTime(at(0)).expirationTime(at(60)));
        assertTrue(auth.check(jwt).allowed());
        clock.advance(Duration.ofSeconds(60 + LEEWAY_S - 1));
        assertTrue(auth.check(jwt).allowed(), "within the leeway after exp");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("token expired", auth.check(jwt).reason());
    }

    @Test
    void shouldRefuseATokenBeforeItsNbfLessTheLeeway() throws Exception {
        String jwt = token(c -> c.notBeforeTime(at(300)).expirationTime(at(900)));
        AdminAuth.Verdict early = auth.check(jwt);
        assertFalse(early.allowed());
        assertEquals(403, early.status());
        assertEquals("token not valid yet (nbf)", early.reason());
        clock.advance(Duration.ofSeconds(300 - LEEWAY_S - 1));
        assertFalse(auth.check(jwt).allowed());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(auth.check(jwt).allowed(), "valid from nbf less the leeway");
    }

    @Test
    void shouldRefuseATokenLivingLongerThanTheMaximumFromItsIssueTime() throws Exception {
        assertTrue(auth.check(token(c -> c.issueTime(at(0)).expirationTime(at(MAX_LIFETIME_S)))).allowed());
        String tooLong = token(c -> c.issueTime(at(-600)).expirationTime(at(MAX_LIFETIME_S)));
        AdminAuth.Verdict verdict = auth.check(tooLong);
        assertFalse(verdict.allowed(), "issued 10 min ago for 70 min");
        assertEquals("token lifetime over the maximum of 3600 s", verdict.reason());
    }

    @Test
    void shouldRefuseATokenWithoutIatThatExpiresFurtherAheadThanTheMaximum() throws Exception {
        assertTrue(auth.check(token(c -> c.expirationTime(at(MAX_LIFETIME_S + LEEWAY_S)))).allowed());
        assertFalse(auth.check(token(c -> c.expirationTime(at(MAX_LIFETIME_S + LEEWAY_S + 1)))).allowed());
        assertFalse(auth.check(token(c -> c.expirationTime(Date.from(Instant.ofEpochMilli(Long.MAX_VALUE))))).allowed(),
                "a token for ever");
        assertFalse(auth.check(token(c -> c.issueTime(at(86_400)).expirationTime(at(86_400 + 60)))).allowed(),
                "an issue time in the future does not stretch the lifetime");
    }

    @Test
    void shouldRefuseNegativeLeewayAndNonPositiveLifetimeNamingTheValue() {
        IllegalArgumentException leeway = assertThrows(IllegalArgumentException.class,
                () -> new AdminAuth(SECRET, clock, -1, MAX_LIFETIME_S));
        assertTrue(leeway.getMessage().endsWith(": -1"), leeway.getMessage());
        IllegalArgumentException lifetime = assertThrows(IllegalArgumentException.class,
                () -> new AdminAuth(SECRET, clock, LEEWAY_S, 0));
        assertTrue(lifetime.getMessage().endsWith(" s: 0"), lifetime.getMessage());
    }
}
