package io.ringcast.web.stats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.web.control.AdminAuth;
import io.ringcast.broadcast.hls.HlsStream;
import io.ringcast.broadcast.record.RecordingStatus;
import io.ringcast.broadcast.record.Recordings;
import io.ringcast.broadcast.hls.HlsStreams;
import io.ringcast.broadcast.llhls.LlHlsStream;
import io.ringcast.broadcast.llhls.LlHlsStreams;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.cluster.StreamDirectory;
import io.ringcast.ingest.relay.RelayView;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.http.ResponseBody;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The stats API, mapped at {@code /api/*}: {@code GET /api/streams} lists every live stream,
 * {@code GET /api/streams/{app}/{name}} returns one (404 with a JSON error when there is none),
 * {@code GET /api/server} the server's limits and counters, {@code GET /api/recordings} how the latest recording
 * files ended (kept after their streams), {@code GET /api/relays} every relay (503 while the relay plugin is
 * off), {@code GET /api/cluster} the cluster's nodes, streams and this node's upstreams. Runs on container
 * request threads; reads the engine's thread-safe stats and renders them with {@link StreamStatsWriter}. Stats
 * protection, CORS and preflights: {@link io.ringcast.web.endpoint.Endpoint#STATS}.
 */
public final class StatsServlet extends HttpServlet {
    private static final String STREAMS = "/streams";
    private static final String CONTENT_TYPE = "application/json";
    private static final String SERVER = "/server";
    private static final String RECORDINGS = "/recordings";
    private static final String RELAYS = "/relays";
    private static final String CLUSTER = "/cluster";

    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private final transient Engine engine;

    public StatsServlet(Engine engine) {
        this.engine = engine;
    }

    /** A request refused by the stats protection: the API's JSON error (HEAD: its headers only). */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict,
                              boolean withBody) throws IOException {
        send(request, response, verdict.status(), errorBody(verdict.status(), verdict.reason()), withBody);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        if (path.equals(STREAMS) || path.equals(STREAMS + "/")) {
            List<Stream> streams = new ArrayList<>(engine.streams().streams());
            streams.sort(Comparator.comparing(s -> s.path().toString()));
            send(request, response, HttpServletResponse.SC_OK, json -> {
                json.writeStartObject();
                json.writeArrayFieldStart("streams");
                for (Stream s : streams) {
                    StreamStatsWriter.write(json, s, hls(s), recording(s), relaysOf(s), llHls(s));
                }
                json.writeEndArray();
                json.writeEndObject();
            });
            return;
        }
        if (path.equals(SERVER)) {
            send(request, response, HttpServletResponse.SC_OK, this::writeServer);
            return;
        }
        if (path.equals(RELAYS)) {
            Relays relays = engine.service(Relays.class);
            if (relays == null) {
                sendError(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "relays are not available: the relay plugin is disabled");
                return;
            }
            List<RelayView> all = new java.util.ArrayList<>(relays.relays());
            all.addAll(relays.ended()); // after the running ones: STOPPED or FAILED with their last reason
            send(request, response, HttpServletResponse.SC_OK, json -> RelayViewWriter.writeArray(json, all));
            return;
        }
        if (path.equals(CLUSTER)) {
            send(request, response, HttpServletResponse.SC_OK, json -> ClusterStatsWriter.writeCluster(json,
                    engine.service(StreamDirectory.class), engine.service(Relays.class)));
            return;
        }
        if (path.equals(RECORDINGS)) {
            send(request, response, HttpServletResponse.SC_OK,
                    json -> RecordingOutcomesWriter.write(json, engine.service(Recordings.class)));
            return;
        }
        if (!path.startsWith(STREAMS + "/")) {
            sendError(request, response, HttpServletResponse.SC_NOT_FOUND, "no such resource: /api" + path);
            return;
        }
        StreamPath streamPath;
        try {
            streamPath = StreamPath.parse(path.substring(STREAMS.length() + 1));
        } catch (IllegalArgumentException e) {
            sendError(request, response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        Stream stream = engine.streams().find(streamPath);
        if (stream == null) {
            sendError(request, response, HttpServletResponse.SC_NOT_FOUND, "no live stream " + streamPath);
            return;
        }
        send(request, response, HttpServletResponse.SC_OK,
                json -> StreamStatsWriter.write(json, stream, hls(stream), recording(stream), relaysOf(stream),
                        llHls(stream)));
    }

    private static void sendError(HttpServletRequest request, HttpServletResponse response, int status,
                                  String message) throws IOException {
        send(request, response, status, errorBody(status, message));
    }

    private static JsonBody errorBody(int status, String message) {
        return json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeNumberField("status", status);
            json.writeEndObject();
        };
    }

    /**
     * Renders fully before sending, so a failure while rendering cannot leave half a document behind; a long list
     * goes out without blocking this thread on a client that does not read it.
     */
    private static void send(HttpServletRequest request, HttpServletResponse response, int status, JsonBody body)
            throws IOException {
        send(request, response, status, body, true);
    }

    private static void send(HttpServletRequest request, HttpServletResponse response, int status, JsonBody body,
                             boolean withBody) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON_FACTORY.createGenerator(bytes)) {
            body.write(json);
        }
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        ResponseBody.send(request, response, bytes.toByteArray(), withBody);
    }

    @FunctionalInterface
    private interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    /** The stream's relays (its pull, its pushes), empty when the relay plugin is off. */
    private List<RelayView> relaysOf(Stream stream) {
        Relays relays = engine.service(Relays.class);
        return relays == null ? List.of() : relays.relaysOf(stream.path());
    }

    /** The stream's recording status when the record plugin runs and records it, else null. */
    private RecordingStatus recording(Stream stream) {
        Recordings recordings = engine.service(Recordings.class);
        return recordings == null ? null : recordings.status(stream.path());
    }

    /** The stream's HLS output when the HLS plugin runs, else null. */
    private HlsStream hls(Stream stream) {
        HlsStreams hls = engine.service(HlsStreams.class);
        return hls == null ? null : hls.find(stream.path());
    }

    /** The stream's LL-HLS output when it runs, else null. */
    private LlHlsStream llHls(Stream stream) {
        LlHlsStreams ll = engine.service(LlHlsStreams.class);
        return ll == null ? null : ll.find(stream.path());
    }

    /** Server-wide facts: stream count, limits and every refusal or close-reason counter. */
    private void writeServer(com.fasterxml.jackson.core.JsonGenerator json) throws IOException {
        var registry = engine.streams();
        json.writeStartObject();
        json.writeNumberField("streams", registry.size());
        json.writeObjectFieldStart("limits");
        json.writeNumberField("maxStreams", registry.maxStreams());
        json.writeNumberField("maxStreamsConfigured", registry.limits().maxStreams());
        json.writeNumberField("maxViewersPerStream", registry.limits().maxViewersPerStream());
        json.writeNumberField("noMediaTimeoutMs", registry.limits().noMediaTimeoutMs());
        json.writeEndObject();
        json.writeObjectFieldStart("directMemory");
        json.writeNumberField("budgetBytes", registry.directMemoryBudget().capacityBytes());
        json.writeNumberField("reservedBytes", registry.directMemoryBudget().reservedBytes());
        json.writeNumberField("ringsAllocatedBytes", registry.ringMemory().allocatedBytes());
        json.writeNumberField("ringsIdleBytes", registry.ringMemory().idleBytes());
        json.writeEndObject();
        json.writeObjectFieldStart("refused");
        json.writeNumberField("publishersMaxStreams", registry.publishersRefused());
        json.writeNumberField("publishersDirectMemory", registry.publishersRefusedDirectMemory());
        json.writeNumberField("viewersMaxPerStream", registry.viewersRefused());
        json.writeEndObject();
        json.writeObjectFieldStart("streamsClosed");
        json.writeNumberField("noMedia", registry.closedForNoMedia());
        json.writeEndObject();
        json.writeObjectFieldStart("openConnections");
        for (var e : engine.counters().openConnections().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("counters");
        for (var e : engine.counters().snapshot().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeFieldName("cluster");
        ClusterStatsWriter.writeServerBlock(json, engine.service(StreamDirectory.class));
        json.writeFieldName("hooks");
        HookStatsWriter.write(json, engine.service(io.ringcast.ingest.hooks.HooksPlugin.class),
                engine.service(io.ringcast.broadcast.hooks.HookStats.class));
        json.writeEndObject();
    }
}
