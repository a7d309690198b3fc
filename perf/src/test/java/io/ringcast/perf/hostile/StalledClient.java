package io.ringcast.perf.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that sends one {@code GET} with a tiny receive buffer and then never reads: what a stalled download
 * looks like to the server, which can only see its writes stop completing. Closing it (optionally with a reset)
 * ends it. Test thread.
 */
final class StalledClient implements AutoCloseable {
    static final int RECEIVE_BUFFER_BYTES = 4096;

    private final Socket socket;

    private StalledClient(String sourceAddress, int port, String path) throws IOException {
        socket = new Socket();
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
            socket.bind(new InetSocketAddress(sourceAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Opens {@code count} stalled downloads of {@code path} from {@code sourceAddress}. */
    static List<StalledClient> open(String sourceAddress, int port, String path, int count) throws IOException {
        List<StalledClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(new StalledClient(sourceAddress, port, path));
        }
        return clients;
    }

    /** Closes with a reset (SO_LINGER 0): the client vanishes mid-response. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static void closeAll(List<StalledClient> clients) {
        for (StalledClient c : clients) {
            try {
                c.close();
            } catch (IOException e) {
                // closing a socket the server reset: nothing left to do
            }
        }
    }
}
