package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.time.NanoClock;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Pulls one stream over HTTP-FLV ({@code GET http://host:port/app/name.flv}), as served by nginx-http-flv, SRS, livego
 * and ringcast itself: one request, a 200 answer, then FLV tags fed to the engine through the media ingest until the
 * upstream ends. {@link #run} blocks on the relay's pool thread; {@link #close()} may come from any thread.
 *
 * <p>Only 200 is accepted. A redirect is refused, not followed, and reported with its Location masked: following it
 * would let an upstream make this server connect anywhere. Every read has a timeout; every malformed byte ends this
 * pull (and only it) with an {@link UpstreamException} saying what and where.
 */
public final class HttpFlvPull implements UpstreamPull {
    private static final String USER_AGENT = "ringcast";
    private static final int MIN_STATUS_REDIRECT = 300;
    private static final int MAX_STATUS_REDIRECT = 399;
    private static final int STATUS_OK = 200;

    private final UpstreamUrl url;
    private final int connectTimeoutMs;
    private final NanoClock clock;
    private final UpstreamSocket socket;

    /**
     * @param url              an http:// upstream URL
     * @param connectTimeoutMs how long the TCP connect may take
     * @param readTimeoutMs    how long any read may wait for a byte, the response head included
     * @param clock            the engine's clock: read timeouts and frames' ingest times
     */
    public HttpFlvPull(UpstreamUrl url, int connectTimeoutMs, int readTimeoutMs, NanoClock clock) {
        if (url.isRtmp()) {
            throw new IllegalArgumentException("HttpFlvPull needs an http:// URL, not " + url);
        }
        if (connectTimeoutMs <= 0 || readTimeoutMs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive: connectTimeoutMs=" + connectTimeoutMs
                    + " readTimeoutMs=" + readTimeoutMs);
        }
        this.url = url;
        this.connectTimeoutMs = connectTimeoutMs;
        this.clock = clock;
        this.socket = new UpstreamSocket(clock, readTimeoutMs);
    }

    @Override
    public void run(PullTarget target) throws IOException {
        try {
            socket.connect(url.host(), url.port(), connectTimeoutMs, request(url), url.masked());
            read(socket, target, clock);
        } finally {
            socket.close();
            socket.release();
        }
    }

    /**
     * Reads a whole HTTP-FLV response from {@code source}: the head, refused unless 200, then the FLV stream into
     * the target's ingest. Returns when the body ends at a tag boundary.
     *
     * @throws UpstreamException for a refusal (status other than 200) or any malformed byte
     */
    public static void read(UpstreamSource source, PullTarget target, NanoClock clock) throws IOException {
        FlvTagReader flv = new FlvTagReader(target, clock);
        HttpResponseReader response = new HttpResponseReader(source, flv);
        response.readHead();
        int status = response.status();
        if (status >= MIN_STATUS_REDIRECT && status <= MAX_STATUS_REDIRECT) {
            String location = response.location() == null ? "(no Location)"
                    : UpstreamUrl.maskText(response.location());
            throw new UpstreamException("upstream redirected (" + status + " " + response.reason() + ") to "
                    + location + ": redirects are not followed");
        }
        if (status != STATUS_OK) {
            throw new UpstreamException("upstream answered " + status
                    + (response.reason().isEmpty() ? "" : " " + response.reason()));
        }
        flv.read(response);
    }

    /** The request: GET, Host, User-Agent, Authorization when the URL carries user:password, Connection: close. */
    static ByteBuffer request(UpstreamUrl url) {
        StringBuilder request = new StringBuilder(256)
                .append("GET ").append(url.httpTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.hostHeader()).append("\r\n")
                .append("User-Agent: ").append(USER_AGENT).append("\r\n")
                .append("Accept: */*\r\n");
        String userInfo = URI.create(url.raw()).getRawUserInfo();
        if (userInfo != null) {
            String credentials = URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
            request.append("Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        return ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Ends {@link #run} promptly: closes the socket, which ends a connect or a read waiting in another thread. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "HttpFlvPull{" + url.masked() + '}';
    }
}
