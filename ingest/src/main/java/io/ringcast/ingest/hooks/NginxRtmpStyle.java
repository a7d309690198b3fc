package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * nginx-rtmp's notify calls (ngx_rtmp_notify_module): POST {@code application/x-www-form-urlencoded} with the
 * session's {@code app, flashver, swfurl, tcurl, pageurl, addr, clientid}, then {@code call} (publish,
 * publish_done, play, play_done, record_done), {@code name}, the call's own fields ({@code type=live};
 * {@code start, duration, reset}; {@code recorder, path}) and the client's query arguments as sent. Any 2xx allows,
 * a 3xx redirects to its {@code Location}, anything else refuses with the body as the reason. Stateless.
 */
final class NginxRtmpStyle implements HookStyle {
    static final String CONTENT_TYPE = "application/x-www-form-urlencoded";
    private static final int MAX_REASON_CHARS = 200;

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public String body(HookEvent event, HookRequest r) {
        StringBuilder form = new StringBuilder(256);
        field(form, "app", r.path().app());
        field(form, "flashver", r.flashVer());
        field(form, "swfurl", r.swfUrl());
        field(form, "tcurl", r.tcUrl());
        field(form, "pageurl", r.pageUrl());
        field(form, "addr", r.address());
        field(form, "clientid", r.clientId());
        field(form, "call", call(event));
        field(form, "name", r.path().name());
        switch (event) {
            case PUBLISH -> field(form, "type", "live");
            case PLAY -> {
                field(form, "start", "4294965296"); // -2000 as uint32: live, as players send it
                field(form, "duration", "0");
                field(form, "reset", "0");
            }
            case RECORD_DONE -> {
                field(form, "recorder", "");
                field(form, "path", r.file());
            }
            default -> {
                // publish_done and play_done carry the session, the name and the arguments only
            }
        }
        if (!r.args().isEmpty()) {
            form.append('&').append(r.args()); // as nginx-rtmp: the client's arguments, as they came
        }
        return form.toString();
    }

    static String call(HookEvent event) {
        return switch (event) {
            case PUBLISH -> "publish";
            case UNPUBLISH -> "publish_done";
            case PLAY -> "play";
            case STOP -> "play_done";
            case RECORD_DONE -> "record_done";
        };
    }

    @Override
    public HookAnswer read(int status, String location, String body) {
        if (status >= 200 && status < 300) {
            return HookAnswer.ALLOW;
        }
        if (status >= 300 && status < 400 && location != null && !location.isBlank()) {
            return HookAnswer.redirect(location.trim());
        }
        String reason = reason(body);
        return HookAnswer.refuse(reason.isEmpty() ? "HTTP " + status : reason);
    }

    /** The first line of a short text body, printable characters only, as the client may be told it. */
    static String reason(String body) {
        if (body == null) {
            return "";
        }
        String line = body.strip();
        int eol = line.indexOf('\n');
        line = eol < 0 ? line : line.substring(0, eol).strip();
        if (line.length() > MAX_REASON_CHARS) {
            line = line.substring(0, MAX_REASON_CHARS);
        }
        return line.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void field(StringBuilder form, String name, String value) {
        if (form.length() > 0) {
            form.append('&');
        }
        form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
