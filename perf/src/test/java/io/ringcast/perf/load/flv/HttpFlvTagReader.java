package io.ringcast.perf.load.flv;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The connection behind the tests' HTTP-FLV watchers: one GET on its own daemon thread, the response head parsed,
 * the body (chunked or not) fed to a {@link FlvStreamParser} whose tags go to the watcher, until the server ends the
 * stream, an error, or {@link #close}. The status and the reason it ended are readable from any thread.
 */
public final class HttpFlvTagReader implements AutoCloseable {
    private static final int READ_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 3_000;

    private final String host;
    private final int port;
    private final String target;
    private final String userAgent;
    private final Socket socket = new Socket();
    private final Thread thread;
    private final HttpResponseHead head = new HttpResponseHead();
    private final FlvStreamParser parser;
    private final ChunkedBodyDecoder chunked;
    private volatile int status;
    private volatile boolean ended;
    private volatile String endReason = "";

    /** A reader of {@code http://host:port/target} whose tags (1 prefix byte) go to {@code listener}; not started. */
    public HttpFlvTagReader(String host, int port, String target, String userAgent, FlvStreamParser.Listener listener) {
        this.host = host;
        this.port = port;
        this.target = target;
        this.userAgent = userAgent;
        this.parser = new FlvStreamParser(listener, 1);
        this.chunked = new ChunkedBodyDecoder(parser);
        this.thread = new Thread(this::read, userAgent + " " + url());
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String url() {
        return "http://" + host + ":" + port + target;
    }

    private void read() {
        byte[] bytes = new byte[READ_BYTES];
        UnsafeBuffer view = new UnsafeBuffer(bytes);
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUser-Agent: " + userAgent + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(bytes)) > 0) {
                int offset = 0;
                if (!head.isComplete()) {
                    offset = head.consume(view, 0, n);
                    if (head.isComplete()) {
                        status = head.statusCode();
                    }
                }
                if (head.isComplete() && offset < n) {
                    if (head.isChunked()) {
                        chunked.decode(view, offset, n - offset);
                    } else {
                        parser.onData(view, offset, n - offset);
                    }
                }
            }
            endReason = "the server ended the stream";
        } catch (IOException | RuntimeException e) {
            endReason = e.toString();
        } finally {
            ended = true;
        }
    }

    /** The response status, 0 before the head arrived. */
    public int status() {
        return status;
    }

    /** Whether the connection ended (by the server, an error or {@link #close}); {@link #endReason} says why. */
    public boolean ended() {
        return ended;
    }

    public String endReason() {
        return endReason;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
    }
}
