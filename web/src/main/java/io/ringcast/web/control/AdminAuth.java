package io.ringcast.web.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;

/**
 * Checks an admin credential: an HS256 JWT signed with the configured secret, taken from the
 * {@code Authorization: Bearer} header or the {@code jwt} query parameter (as livego accepts it). Only HS256 is
 * accepted (no "none", no algorithm switching); a token with {@code exp} in the past is refused. Thread-safe.
 */
public final class AdminAuth {
    /** HS256 needs a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;
    private static final String BEARER = "Bearer ";

    private final MACVerifier verifier;
    private final Clock clock;

    public AdminAuth(String secret, Clock clock) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the admin JWT secret must have at least " + MIN_SECRET_BYTES
                    + " bytes, has " + key.length);
        }
        try {
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable admin JWT secret: " + e.getMessage(), e);
        }
        this.clock = clock;
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

    /** Checks one token. */
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
        try {
            if (!jwt.verify(verifier)) {
                return new Verdict(false, 403, "invalid signature");
            }
            Date expires = jwt.getJWTClaimsSet().getExpirationTime();
            if (expires != null && !expires.toInstant().isAfter(clock.instant())) {
                return new Verdict(false, 403, "token expired");
            }
        } catch (JOSEException | ParseException e) {
            return new Verdict(false, 403, "invalid token");
        }
        return Verdict.OK;
    }
}
