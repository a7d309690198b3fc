package io.ringcast.web.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP-FLV viewer that writes what it receives to a file, on its own thread, and notes whether the server ever
 * ended its response (a disconnect) before the test closed it.
 */
final class HttpFlvRecorder implements AutoCloseable {
    private final HttpURLConnection connection;
    private final Path file;
    private final Thread reader;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean endedByServer = new AtomicBoolean();
    private final AtomicLong bytes = new AtomicLong();
    private volatile IOException failure;

    HttpFlvRecorder(String url, Path file) throws IOException {
        this.file = file;
        this.connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        if (connection.getResponseCode() != 200) {
            throw new IOException(url + " answered " + connection.getResponseCode());
        }
        InputStream in = connection.getInputStream();
        this.reader = new Thread(() -> copy(in), "flv-recorder");
        reader.setDaemon(true);
        reader.start();
    }

    private void copy(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                bytes.addAndGet(n);
            }
            if (!closing.get()) {
                endedByServer.set(true);
            }
        } catch (IOException e) {
            if (!closing.get()) {
                failure = e;
                endedByServer.set(true);
            }
        }
    }

    Path file() {
        return file;
    }

    long bytes() {
        return bytes.get();
    }

    /** Whether the response ended (or failed) before {@link #close}: the viewer was disconnected. */
    boolean endedByServer() {
        return endedByServer.get();
    }

    IOException failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        closing.set(true);
        connection.disconnect();
        reader.join(10_000);
    }
}
