package io.ringcast.ingest.hooks;

/**
 * A hook service's answer as its style reads it: allow, refuse (with the reason it gave, "" when none), redirect
 * (nginx-rtmp's 3xx, with its {@code Location}), or failed (the call never got an answer: timeout, connection error,
 * queue full), which {@code on_failure} decides. Immutable.
 */
record HookAnswer(Kind kind, String text) {
    enum Kind { ALLOW, REFUSE, REDIRECT, FAILED }

    static final HookAnswer ALLOW = new HookAnswer(Kind.ALLOW, "");

    static HookAnswer refuse(String reason) {
        return new HookAnswer(Kind.REFUSE, reason);
    }

    static HookAnswer redirect(String location) {
        return new HookAnswer(Kind.REDIRECT, location);
    }

    static HookAnswer failed(String why) {
        return new HookAnswer(Kind.FAILED, why);
    }
}
