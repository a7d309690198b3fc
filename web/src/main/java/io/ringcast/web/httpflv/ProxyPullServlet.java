package io.ringcast.web.httpflv;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.relay.RelayRefusedException;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.web.http.Cors;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The relays' proxy form, as nginx setups serve it: {@code GET /live?src=a&app=myapp&stream=test[&port=1935]}
 * answers HTTP-FLV of stream {@code app/stream} of the origin named {@code a} in {@code [origins]}, pulled on demand
 * ({@link Relays#pullFromOrigin}); the stream is then served exactly as {@code /app/name.flv} is
 * ({@link HttpFlvServlet#serve}). Mapped at the exact path {@link ProxyPullConfig#path()}. Request threads; the
 * relay manager does the pulling, never this thread.
 *
 * <p>Answers (plain text): 400 a missing or invalid parameter, naming which; 403 an unknown origin or a port it may
 * not use; 503 the relays are off or at their limits; else whatever HTTP-FLV answers (404 too when the relays hand
 * out no stream). HEAD runs the same checks
 * (and so may start the on-demand pull, which ends when no viewer comes) and answers the headers only.
 */
public final class ProxyPullServlet extends HttpServlet {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyPullServlet.class);
    static final String SOURCE = "src";
    static final String APP = "app";
    static final String STREAM = "stream";
    static final String PORT = "port";
    private static final int MAX_PORT = 65_535;

    private final transient Engine engine;
    private final transient HttpFlvServlet flv;

    /** @param flv the HTTP-FLV servlet of the same deployment, which streams the pulled stream */
    public ProxyPullServlet(Engine engine, HttpFlvServlet flv) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.flv = Objects.requireNonNull(flv, "flv");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Stream stream = pull(request, response, true);
        if (stream != null) {
            flv.serve(stream, request, response);
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (pull(request, response, false) != null) {
            HttpFlvSink.startHeaders(response);
        }
    }

    /** The stream the request names, pulled from its origin, or null after answering the refusal. */
    private Stream pull(HttpServletRequest request, HttpServletResponse response, boolean withBody)
            throws IOException {
        String origin = request.getParameter(SOURCE);
        String app = request.getParameter(APP);
        String name = request.getParameter(STREAM);
        List<String> missing = new ArrayList<>(3);
        for (String[] parameter : new String[][] {{SOURCE, origin}, {APP, app}, {STREAM, name}}) {
            if (parameter[1] == null || parameter[1].isEmpty()) {
                missing.add(parameter[0]);
            }
        }
        if (!missing.isEmpty()) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "missing parameter" + (missing.size() > 1
                    ? "s " : " ") + String.join(", ", missing) + ": expected ?src=ORIGIN&app=APP&stream=NAME"
                    + "[&port=PORT]", withBody);
            return null;
        }
        String invalid = !StreamPath.isValidPart(app) ? APP : !StreamPath.isValidPart(name) ? STREAM : null;
        if (invalid != null) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "invalid parameter " + invalid + ": 1-"
                    + StreamPath.MAX_PART_LENGTH + " characters of A-Z a-z 0-9 _ . - and not . or ..", withBody);
            return null;
        }
        int port = port(request.getParameter(PORT));
        if (port == 0) {
            Cors.textError(response, HttpServletResponse.SC_BAD_REQUEST, "invalid parameter port: a number 1-"
                    + MAX_PORT, withBody);
            return null;
        }
        Relays relays = engine.service(Relays.class);
        if (relays == null) {
            Cors.textError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "relays are not available: the relay plugin is disabled", withBody);
            return null;
        }
        try {
            Stream stream = relays.pullFromOrigin(origin, port, app, name);
            if (stream == null) {
                Cors.textError(response, HttpServletResponse.SC_NOT_FOUND, "no stream " + app + "/" + name
                        + " from origin " + origin, withBody);
            }
            return stream;
        } catch (RelayRefusedException e) {
            LOG.debug("proxy pull of {}/{} from origin {} refused by the relays: {}", app, name, origin,
                    e.getMessage());
            if (e.status() == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
                response.setHeader("Retry-After", "5");
            }
            Cors.textError(response, e.status(), e.getMessage(), withBody);
            return null;
        }
    }

    /** The requested port, -1 when none was given, 0 when it is not a port number. */
    static int port(String text) {
        if (text == null || text.isEmpty()) {
            return -1;
        }
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= MAX_PORT ? port : 0;
    }
}
