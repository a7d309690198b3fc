package io.ringcast.ingest.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on 127.0.0.1 in front of one target, whose client-to-target direction can be paused: a target that
 * stops reading, as seen from the client (small receive buffer, so the client's socket fills soon). One connection;
 * its own threads; any thread may pause, resume and close.
 */
final class PausingProxy implements AutoCloseable {
    private static final int RECEIVE_BUFFER_BYTES = 4096;
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new ArrayList<>();
    private final Object pauseLock = new Object();
    private boolean paused;

    PausingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        server = new ServerSocket();
        server.setReceiveBufferSize(RECEIVE_BUFFER_BYTES); // inherited by the accepted socket
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void pause() {
        synchronized (pauseLock) {
            paused = true;
        }
    }

    void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    private void accept() {
        try {
            Socket client = server.accept();
            Socket upstream = new Socket(target.getAddress(), target.getPort());
            synchronized (sockets) {
                sockets.add(client);
                sockets.add(upstream);
            }
            start(() -> pump(client, upstream, true), "proxy-up");
            start(() -> pump(upstream, client, false), "proxy-down");
        } catch (IOException e) {
            // closed
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to, boolean pausable) {
        byte[] buffer = new byte[RECEIVE_BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                if (pausable) {
                    synchronized (pauseLock) {
                        while (paused) {
                            pauseLock.wait();
                        }
                    }
                }
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        resume();
        closeQuietly(server);
        synchronized (sockets) {
            sockets.forEach(PausingProxy::closeQuietly);
        }
    }
}
