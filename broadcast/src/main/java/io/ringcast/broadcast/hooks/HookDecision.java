package io.ringcast.broadcast.hooks;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.Objects;

/**
 * A hook's answer to a publish or a play: allow, refuse (with the reason the client is told, when the service gave
 * one), or go on under another stream name (nginx-rtmp's 3xx with a local {@code Location}). A play redirected to
 * another server (a 3xx with an rtmp:// or http:// {@code Location}) is allowed: the hook implementation has
 * already started pulling that URL into the stream asked for. Immutable.
 *
 * @param reason    for REFUSE the reason to show the client ("" when the service gave none)
 * @param renamedTo for RENAME the stream to publish or play instead, else null
 */
public record HookDecision(Verdict verdict, String reason, StreamPath renamedTo) {
    /** What the client may do. */
    public enum Verdict { ALLOW, REFUSE, RENAME }

    public static final HookDecision ALLOW = new HookDecision(Verdict.ALLOW, "", null);

    public HookDecision {
        Objects.requireNonNull(verdict, "verdict");
        reason = reason == null ? "" : reason;
        if ((verdict == Verdict.RENAME) != (renamedTo != null)) {
            throw new IllegalArgumentException("a rename, and only a rename, names a stream: " + verdict);
        }
    }

    public static HookDecision refuse(String reason) {
        return new HookDecision(Verdict.REFUSE, reason, null);
    }

    public static HookDecision rename(StreamPath renamedTo) {
        return new HookDecision(Verdict.RENAME, "", renamedTo);
    }

    public boolean allowed() {
        return verdict != Verdict.REFUSE;
    }

    /** The stream the client goes on with: the renamed one, or {@code requested}. */
    public StreamPath pathFor(StreamPath requested) {
        return renamedTo == null ? requested : renamedTo;
    }

    /** What a refused client is told: {@code "<what> refused by the hook"} plus the service's reason if any. */
    public String refusalText(String what) {
        return what + " refused by the hook" + (reason.isEmpty() ? "" : ": " + reason);
    }
}
