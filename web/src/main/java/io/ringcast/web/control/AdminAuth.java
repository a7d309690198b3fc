package io.ringcast.web.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * Checks an admin credential: an HS256 JWT signed with the configured secret, taken from the
 * {@code Authorization: Bearer} header or the {@code jwt} query parameter (as livego accepts it). Only HS256 is
 * accepted (no "none", no algorithm switching). Time rules (RFC 7519 section 4.1), on the injected wall clock with
 * {@code leewaySeconds} of tolerance for clock skew: {@code exp} is required and must not have passed, {@code nbf}
 * must have come, and a token may live at most {@code maxLifetimeSeconds}, counted from its {@code iat} (or from
 * now, when it has none or it lies ahead). Thread-safe.
 */
public final class AdminAuth {
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Tolerated clock skew between the token's issuer and this server, by default. */
    public static final long DEFAULT_LEEWAY_S = 30;
    /** Longest an admin token may be valid, by default: a day. */
    public static final long DEFAULT_MAX_LIFETIME_S = 86_400;
    /** Bounds of the configuration: an hour of skew, a year of lifetime. */
    public static final long MAX_LEEWAY_S = 3_600;
    public static final long MAX_MAX_LIFETIME_S = 366L * 86_400;
    private static final String BEARER = "Bearer ";

    private final MACVerifier verifier;
    private final Clock clock;
    private final long leewayMs;
    private final long maxLifetimeMs;
    private final String tooLong;

    /**
     * @param clock              the engine's wall clock
     * @param leewaySeconds      tolerance for {@code exp} and {@code nbf} and on the lifetime, >= 0
     * @param maxLifetimeSeconds longest validity a token may claim, > 0
     */
    public AdminAuth(String secret, Clock clock, long leewaySeconds, long maxLifetimeSeconds) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the admin JWT secret must have at least " + MIN_SECRET_BYTES
                    + " bytes, has " + key.length);
        }
        if (leewaySeconds < 0 || leewaySeconds > MAX_LEEWAY_S) {
            throw new IllegalArgumentException("the JWT leeway must be 0 to " + MAX_LEEWAY_S + " s: "
                    + leewaySeconds);
        }
        if (maxLifetimeSeconds <= 0 || maxLifetimeSeconds > MAX_MAX_LIFETIME_S) {
            throw new IllegalArgumentException("the JWT maximum lifetime must be 1 to " + MAX_MAX_LIFETIME_S
                    + " s: " + maxLifetimeSeconds);
        }
        try {
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable admin JWT secret: " + e.getMessage(), e);
        }
        this.clock = clock;
        this.leewayMs = TimeUnit.SECONDS.toMillis(leewaySeconds);
        this.maxLifetimeMs = TimeUnit.SECONDS.toMillis(maxLifetimeSeconds);
        this.tooLong = "token lifetime over the maximum of " + maxLifetimeSeconds + " s";
    }

    /** Result of a check: whether the request may administer, and else the HTTP status and the reason. */
    public record Verdict(boolean allowed, int status, String reason) {
        public static final Verdict OK = new Verdict(true, 200, "ok");
    }

    /** Checks the request's credential. */
    public Verdict check(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        String token = header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()).trim()
                : request.getParameter("jwt");
        if (token == null || token.isEmpty()) {
            return new Verdict(false, 401, "missing credential: send Authorization: Bearer <jwt> or ?jwt=");
        }
        return check(token);
    }

    /** Checks one token: signature first, then its times (see the class comment). */
    public Verdict check(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return new Verdict(false, 403, "malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            return new Verdict(false, 403, "only HS256 tokens are accepted");
        }
        JWTClaimsSet claims;
        try {
            if (!jwt.verify(verifier)) {
                return new Verdict(false, 403, "invalid signature");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (JOSEException | ParseException e) {
            return new Verdict(false, 403, "invalid token");
        }
        String refusal = timeRefusal(claims.getExpirationTime(), claims.getNotBeforeTime(), claims.getIssueTime());
        return refusal == null ? Verdict.OK : new Verdict(false, 403, refusal);
    }

    /** Why the token's times make it invalid now, or null when they do not. Dates are whole seconds (NumericDate). */
    @SuppressWarnings("JavaUtilDate") // nimbus-jose-jwt's claims are java.util.Date; read once here as epoch ms
    private String timeRefusal(Date expires, Date notBefore, Date issued) {
        if (expires == null) {
            return "token has no exp: admin tokens must expire";
        }
        // Comparisons against now +- small amounts only: a claim may hold any long, so no subtraction from it.
        long nowMs = clock.millis();
        long expMs = expires.getTime();
        if (expMs <= nowMs - leewayMs) {
            return "token expired";
        }
        if (notBefore != null && notBefore.getTime() > nowMs + leewayMs) {
            return "token not valid yet (nbf)";
        }
        // From the issue time, or from now when there is none or it lies ahead (it cannot stretch the lifetime).
        long fromMs = issued == null ? nowMs : Math.max(Math.min(issued.getTime(), nowMs), 0);
        if (expMs > fromMs + maxLifetimeMs + leewayMs) {
            return tooLong;
        }
        return null;
    }
}
