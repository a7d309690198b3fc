package io.ringcast.ingest.hooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HookStylesTest {
    private static final HookRequest REQUEST = new HookRequest("rtmp", "42", "10.0.0.7", new StreamPath("live", "cam"),
            "key=a b&x=1", "rtmp://host/live", "FMLE/3.0", "", "http://page/", "");

    @Test
    void shouldSendNginxRtmpFormFieldsInItsOrderWithTheClientsArgumentsLast() {
        String body = new NginxRtmpStyle().body(HookEvent.PUBLISH, REQUEST);
        assertEquals("app=live&flashver=FMLE%2F3.0&swfurl=&tcurl=rtmp%3A%2F%2Fhost%2Flive&pageurl=http%3A%2F%2Fpage%2F"
                + "&addr=10.0.0.7&clientid=42&call=publish&name=cam&type=live&key=a b&x=1", body);
        assertEquals("play_done", NginxRtmpStyle.call(HookEvent.STOP));
        assertEquals("publish_done", NginxRtmpStyle.call(HookEvent.UNPUBLISH));
        String record = new NginxRtmpStyle().body(HookEvent.RECORD_DONE, REQUEST.withFile("/rec/cam.flv"));
        assertEquals(true, record.contains("&call=record_done&name=cam&recorder=&path=%2Frec%2Fcam.flv"));
    }

    @Test
    void shouldReadNginxRtmpAnswers() {
        NginxRtmpStyle style = new NginxRtmpStyle();
        assertEquals(HookAnswer.ALLOW, style.read(204, null, ""));
        assertEquals(HookAnswer.redirect("rtmp://o/live/x"), style.read(302, " rtmp://o/live/x ", ""));
        assertEquals(HookAnswer.refuse("HTTP 302"), style.read(302, null, ""), "a 3xx without Location refuses");
        assertEquals(HookAnswer.refuse("banned"), style.read(403, null, "banned\nsecond line"));
        assertEquals(HookAnswer.refuse("bad?byte"), style.read(500, null, "bad\u0001byte"));
    }

    @Test
    void shouldSendSrsJsonFields() throws IOException {
        Map<String, String> json = fields(new SrsStyle().body(HookEvent.PLAY, REQUEST));
        assertEquals("on_play", json.get("action"));
        assertEquals("42", json.get("client_id"));
        assertEquals("10.0.0.7", json.get("ip"));
        assertEquals("__defaultVhost__", json.get("vhost"));
        assertEquals("live", json.get("app"));
        assertEquals("cam", json.get("stream"));
        assertEquals("?key=a b&x=1", json.get("param"));
        assertEquals("rtmp://host/live", json.get("tcUrl"));
        assertEquals("http://page/", json.get("pageUrl"));
        assertEquals("on_dvr", fields(new SrsStyle().body(HookEvent.RECORD_DONE, REQUEST.withFile("f.flv")))
                .get("action"));
    }

    @Test
    void shouldReadSrsAnswers() {
        SrsStyle style = new SrsStyle();
        assertEquals(HookAnswer.ALLOW, style.read(200, null, "0"));
        assertEquals(HookAnswer.ALLOW, style.read(200, null, " {\"code\": 0, \"data\": null}\n"));
        assertEquals(HookAnswer.refuse("go away"), style.read(200, null, "{\"code\":1,\"msg\":\"go away\"}"));
        assertEquals(HookAnswer.refuse("code 5"), style.read(200, null, "{\"code\":5}"));
        assertEquals(HookAnswer.refuse("1"), style.read(200, null, "1"));
        assertEquals(HookAnswer.refuse(""), style.read(200, null, "{not json"));
        assertEquals(HookAnswer.refuse("HTTP 500"), style.read(500, null, "{\"code\":0}"), "only a 200 allows");
        assertEquals(HookAnswer.refuse("HTTP 302"), style.read(302, "x", "0"), "no redirects in SRS's shape");
    }

    private static Map<String, String> fields(String json) throws IOException {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                fields.put(name, parser.getText());
            }
        }
        return fields;
    }
}
