package io.ringcast.broadcast.auth;

import io.ringcast.broadcast.stream.StreamPath;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Signed, expiring play URLs: {@code ?expires=<unix seconds>&token=<hex HMAC-SHA256(secret, "app/name|expires")>}.
 * A token is valid for one stream (every protocol and every HLS segment of it) until it expires; it is checked in
 * constant time, then its time on the injected wall clock: {@code expires} must lie ahead, by at most the maximum
 * lifetime (a token valid for ever is refused, however well signed). Thread-safe (a {@link Mac} per call).
 */
public final class PlayTokens {
    /** HMAC-SHA256 wants a key of at least 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;
    /** The play URL's query parameter holding the expiry, in epoch seconds. */
    public static final String EXPIRES = "expires";
    /** The play URL's query parameter holding the token. */
    public static final String TOKEN = "token";
    /** How far ahead {@code expires} may lie, by default: a day. */
    public static final long DEFAULT_MAX_LIFETIME_S = 86_400;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final Clock clock;
    private final long maxLifetimeSeconds;
    private final Check tooFarAhead;

    /** For signing and checking with the default maximum lifetime. */
    public PlayTokens(String secret, Clock clock) {
        this(secret, clock, DEFAULT_MAX_LIFETIME_S);
    }

    /**
     * @param clock              the engine's wall clock
     * @param maxLifetimeSeconds how far ahead of now {@code expires} may lie, > 0
     */
    public PlayTokens(String secret, Clock clock, long maxLifetimeSeconds) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("play_secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (maxLifetimeSeconds <= 0) {
            throw new IllegalArgumentException("the play token maximum lifetime must be positive: "
                    + maxLifetimeSeconds);
        }
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.clock = clock;
        this.maxLifetimeSeconds = maxLifetimeSeconds;
        this.tooFarAhead = new Check(false, "expires is more than " + maxLifetimeSeconds
                + " s ahead (the maximum lifetime)");
    }

    /** Outcome of a check; {@code reason} says why a token was refused. */
    public record Check(boolean allowed, String reason) {
        static final Check OK = new Check(true, "ok");
    }

    /** The token for {@code path} valid until {@code expiresEpochSeconds} (for operators' URL signing). */
    public String sign(StreamPath path, long expiresEpochSeconds) {
        return HEX.formatHex(mac(path, expiresEpochSeconds));
    }

    /** The query parameters of a signed play URL: {@code expires=<epoch seconds>&token=<hex>}. */
    public String signedQuery(StreamPath path, long expiresEpochSeconds) {
        return EXPIRES + "=" + expiresEpochSeconds + "&" + TOKEN + "=" + sign(path, expiresEpochSeconds);
    }

    /** Checks the query parameters of a play request; nulls mean the parameter is missing. */
    public Check check(StreamPath path, String expires, String token) {
        if (expires == null || token == null) {
            return new Check(false, "missing expires/token");
        }
        long expiresAt;
        byte[] given;
        try {
            expiresAt = Long.parseLong(expires);
            given = HEX.parseHex(token);
        } catch (IllegalArgumentException e) {
            return new Check(false, "malformed expires/token");
        }
        if (!MessageDigest.isEqual(given, mac(path, expiresAt))) {
            return new Check(false, "invalid token");
        }
        long now = clock.instant().getEpochSecond();
        if (expiresAt <= now) {
            return new Check(false, "token expired");
        }
        // now + max cannot overflow (both are real times); expiresAt may be any long, so no arithmetic on it.
        if (expiresAt > now + maxLifetimeSeconds) {
            return tooFarAhead;
        }
        return Check.OK;
    }

    private byte[] mac(StreamPath path, long expiresEpochSeconds) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal((path + "|" + expiresEpochSeconds).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
