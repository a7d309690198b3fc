package io.ringcast.ingest.hooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * SRS's {@code http_hooks}: POST JSON {@code {"server_id", "service_id", "action", "client_id", "ip", "vhost",
 * "app", "tcUrl", "stream", "param", "stream_url", "stream_id"}} ({@code pageUrl} on play, {@code cwd} and
 * {@code file} on on_dvr) with action on_publish, on_unpublish, on_play, on_stop, on_dvr. HTTP 200 with the body
 * {@code 0} or {@code {"code": 0}} allows; anything else refuses, with a JSON answer's {@code msg} (or {@code data})
 * as the reason, else the status or code. Written and read with Jackson's streaming API. Stateless.
 */
final class SrsStyle implements HookStyle {
    static final String CONTENT_TYPE = "application/json";
    static final String SERVER_ID = "ringcast";
    static final String DEFAULT_VHOST = "__defaultVhost__";
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public String body(HookEvent event, HookRequest r) {
        StringWriter out = new StringWriter(384);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("server_id", SERVER_ID);
            json.writeStringField("service_id", SERVER_ID);
            json.writeStringField("action", action(event));
            json.writeStringField("client_id", r.clientId());
            json.writeStringField("ip", r.address());
            json.writeStringField("vhost", DEFAULT_VHOST);
            json.writeStringField("app", r.path().app());
            json.writeStringField("tcUrl", r.tcUrl());
            json.writeStringField("stream", r.path().name());
            json.writeStringField("param", r.args().isEmpty() ? "" : "?" + r.args());
            json.writeStringField("stream_url", "/" + r.path().app() + "/" + r.path().name());
            json.writeStringField("stream_id", r.path().app() + "/" + r.path().name());
            if (event == HookEvent.PLAY) {
                json.writeStringField("pageUrl", r.pageUrl());
            }
            if (event == HookEvent.RECORD_DONE) {
                json.writeStringField("cwd", System.getProperty("user.dir", ""));
                json.writeStringField("file", r.file());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    static String action(HookEvent event) {
        return switch (event) {
            case PUBLISH -> "on_publish";
            case UNPUBLISH -> "on_unpublish";
            case PLAY -> "on_play";
            case STOP -> "on_stop";
            case RECORD_DONE -> "on_dvr";
        };
    }

    @Override
    public HookAnswer read(int status, String location, String body) {
        String text = body == null ? "" : body.strip();
        if (status == 200 && text.equals("0")) {
            return HookAnswer.ALLOW;
        }
        Answer answer = parse(text);
        if (status == 200 && answer.code() != null && answer.code() == 0) {
            return HookAnswer.ALLOW;
        }
        String reason = answer.message() != null ? answer.message()
                : status != 200 ? "HTTP " + status
                : answer.code() != null ? "code " + answer.code() : text.startsWith("{") ? "" : text;
        return HookAnswer.refuse(NginxRtmpStyle.reason(reason));
    }

    /** The top-level {@code code} and {@code msg} (or {@code data} when it is a string) of a JSON object answer. */
    private static Answer parse(String text) {
        if (!text.startsWith("{")) {
            return new Answer(null, null);
        }
        Long code = null;
        String message = null;
        try (JsonParser json = JSON.createParser(text)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return new Answer(null, null);
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if ("code".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    code = json.getLongValue();
                } else if (("msg".equals(field) || ("data".equals(field) && message == null))
                        && value == JsonToken.VALUE_STRING) {
                    message = json.getText();
                } else {
                    json.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            return new Answer(null, null); // not JSON: refused, the text is no reason either
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String source does not fail
        }
        return new Answer(code, message);
    }

    private record Answer(Long code, String message) {
    }
}
