package io.ringcast.ingest.upstream;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A one-connection HTTP server on 127.0.0.1 port 0 for pull tests: it reads the request head, lets the test write
 * the response, and closes the connection when the responder returns (a responder that blocks is a stalled
 * upstream). Its own thread.
 */
final class FakeHttpUpstream implements AutoCloseable {
    /** What the server answers; runs on the server thread. */
    interface Responder {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread thread;
    private volatile String request;
    private volatile Throwable failure;

    FakeHttpUpstream(Responder responder) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        thread = new Thread(() -> serve(responder), "fake-http-upstream");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The request head the client sent, or null before it arrived. */
    String request() {
        return request;
    }

    /** What the responder threw (a client that hung up early makes writes fail), or null. */
    Throwable failure() {
        return failure;
    }

    private void serve(Responder responder) {
        try (Socket socket = server.accept()) {
            socket.setTcpNoDelay(true);
            request = readHead(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            responder.respond(out);
            out.flush();
        } catch (IOException | InterruptedException | RuntimeException e) {
            failure = e;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Writes {@code body} as chunks of {@code chunkBytes} (the last one shorter), then the last chunk. */
    static void writeChunked(OutputStream out, byte[] body, int chunkBytes) throws IOException {
        writeChunked(out, body, chunkBytes, true);
    }

    /** Writes {@code body} as chunks of {@code chunkBytes}, and the last chunk if {@code last}. */
    static void writeChunked(OutputStream out, byte[] body, int chunkBytes, boolean last) throws IOException {
        for (int offset = 0; offset < body.length; offset += chunkBytes) {
            int n = Math.min(chunkBytes, body.length - offset);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, offset, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (last) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    static void writeText(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(5_000);
    }
}
