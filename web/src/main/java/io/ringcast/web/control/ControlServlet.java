package io.ringcast.web.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.auth.RoomKeys;
import io.ringcast.broadcast.auth.RoomKeysUnavailableException;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.ingest.upstream.UpstreamUrl;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * livego's admin API behind {@link AdminAuth}: stream keys with {@code GET /control/get?room=R} (creates the key
 * if absent), {@code /control/reset?room=R}, {@code /control/delete?room=R}, and relays with
 * {@code /control/pull|push?oper=start|stop&app=A&name=N&url=U} ({@link RelayControl}). Answers livego's shape
 * {@code {"status":200,"data":"KEY"}}; refusals {@code {"status":401|403,"data":"<reason>"}} with that HTTP
 * status; keys whose store (the cluster's Redis) is down {@code {"status":503,"data":"stream keys unavailable:
 * Redis ..."}}. Request threads; blocking file writes and Redis calls (bounded by their timeout) are fine here
 * (admin calls are rare). The credential check and
 * CORS: {@link io.ringcast.web.endpoint.Endpoint#CONTROL}.
 */
public final class ControlServlet extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServlet.class);
    private static final JsonFactory JSON = new JsonFactory();
    private final transient Engine engine;

    public ControlServlet(Engine engine) {
        this.engine = engine;
    }

    /** A request without a valid admin credential: logged, and answered in livego's shape (HEAD: headers only). */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        LOG.warn("admin request {} from {} refused: {}", request.getPathInfo(), request.getRemoteAddr(),
                verdict.reason());
        answer(response, verdict.status(), verdict.reason(), withBody);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String operation = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (operation.equals("/pull") || operation.equals("/push")) {
            relay(request, response, operation.equals("/pull") ? RelayControl.Direction.PULL
                    : RelayControl.Direction.PUSH);
            return;
        }
        RoomKeys keys = engine.service(RoomKeys.class);
        String room = request.getParameter("room");
        if (keys == null) {
            answer(response, 503, "stream keys are not available");
            return;
        }
        try {
            switch (operation) {
                case "/get" -> answer(response, 200, keys.getOrCreate(requireRoom(room)));
                case "/reset" -> {
                    answer(response, 200, keys.reset(requireRoom(room)));
                    LOG.info("stream key of room {} reset by {}", room, request.getRemoteAddr());
                }
                case "/delete" -> {
                    boolean deleted = keys.delete(requireRoom(room));
                    answer(response, deleted ? 200 : 404, deleted ? "ok" : "room not found");
                }
                default -> answer(response, 404, "no such operation: /control" + operation);
            }
        } catch (IllegalArgumentException e) {
            answer(response, 400, e.getMessage());
        } catch (RoomKeysUnavailableException e) {
            // The keys live in the cluster's Redis and it is down: the caller may retry, nothing changed.
            LOG.warn("control {} room {} by {}: {}", operation, room, request.getRemoteAddr(), e.getMessage());
            answer(response, 503, e.getMessage());
        }
    }

    /**
     * HEAD runs the key commands as GET does (their answers without bodies), but never a relay command: a
     * monitoring probe must not start or stop a relay. Those answer 405.
     */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response)
            throws IOException, jakarta.servlet.ServletException {
        String operation = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (operation.equals("/pull") || operation.equals("/push")) {
            response.setHeader("Allow", "GET");
            answer(response, 405, "relay commands need GET", false);
            return;
        }
        super.doHead(request, response);
    }

    /** {@code /control/pull} and {@code /control/push}: {@link RelayControl} against the relay plugin's service. */
    private void relay(HttpServletRequest request, HttpServletResponse response, RelayControl.Direction direction)
            throws IOException {
        String oper = request.getParameter("oper");
        String app = request.getParameter("app");
        String name = request.getParameter("name");
        String url = request.getParameter("url");
        RelayControl.Answer answer = RelayControl.handle(engine.service(Relays.class), direction, oper, app, name,
                url);
        if (LOG.isInfoEnabled()) {
            LOG.info("control {} oper={} {}/{} {} by {}: {} {}", direction.word(), oper, app, name,
                    UpstreamUrl.maskText(url), request.getRemoteAddr(), answer.status(), answer.data());
        }
        answer(response, answer.status(), answer.data());
    }

    private static String requireRoom(String room) {
        if (room == null || room.isEmpty()) {
            throw new IllegalArgumentException("missing room parameter");
        }
        return room;
    }

    private static void answer(HttpServletResponse response, int status, String data) throws IOException {
        answer(response, status, data, true);
    }

    private static void answer(HttpServletResponse response, int status, String data, boolean withBody)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(body)) {
            g.writeStartObject();
            g.writeNumberField("status", status);
            g.writeStringField("data", data);
            g.writeEndObject();
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.size());
        if (withBody) {
            body.writeTo(response.getOutputStream());
        }
    }
}
