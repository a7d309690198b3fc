package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;

/**
 * The shape of a hook call and how its answer reads: nginx-rtmp's {@code on_*} notify (a form, 2xx allows, 3xx
 * redirects) or SRS's {@code http_hooks} (JSON, 200 with {@code 0} or {@code {"code":0}} allows). Stateless.
 */
interface HookStyle {
    /** The request's Content-Type. */
    String contentType();

    /** The request body for {@code event} about {@code request}. */
    String body(HookEvent event, HookRequest request);

    /**
     * What the service answered.
     *
     * @param location the {@code Location} header, or null
     * @param body     the answer's body (at most {@link HookClient#MAX_ANSWER_BYTES}), decoded as UTF-8
     */
    HookAnswer read(int status, String location, String body);

    /** The style named in the configuration: "nginx-rtmp" or "srs"; null for another name. */
    static HookStyle named(String name) {
        return switch (name) {
            case "nginx-rtmp" -> new NginxRtmpStyle();
            case "srs" -> new SrsStyle();
            default -> null;
        };
    }
}
