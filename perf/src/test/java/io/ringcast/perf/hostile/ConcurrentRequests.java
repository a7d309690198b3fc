package io.ringcast.perf.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many HTTP GETs sent at once from one thread (a selector over non-blocking sockets, bounded by a deadline): each
 * request's status and the time from its send to the first byte of its answer, then the connection is closed.
 * For "N viewers join at once" measurements on loopback. Test thread only.
 */
final class ConcurrentRequests {
    private static final int STATUS_LINE_BYTES = 12; // "HTTP/1.1 200"
    private static final long SELECT_MS = 20;

    /** One request's outcome: its status (0 when it got none before the deadline) and its time to the answer. */
    record Answer(int status, long latencyNs) {
    }

    private ConcurrentRequests() {
    }

    /** GETs every path in {@code paths} at once to 127.0.0.1:{@code port}; answers in the same order. */
    static List<Answer> get(int port, List<String> paths, long timeoutMs) throws IOException {
        List<Request> requests = new ArrayList<>();
        long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000;
        try (Selector selector = Selector.open()) {
            for (String path : paths) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                Request request = new Request(channel, path);
                requests.add(request);
                channel.connect(new InetSocketAddress("127.0.0.1", port));
                channel.register(selector, SelectionKey.OP_CONNECT, request);
            }
            int open = requests.size();
            while (open > 0 && System.nanoTime() < deadlineNs) {
                selector.select(SELECT_MS);
                for (SelectionKey key : selector.selectedKeys()) {
                    Request request = (Request) key.attachment();
                    if (request.step(key)) {
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (Request request : requests) {
                request.channel.close();
            }
        }
        return requests.stream().map(r -> new Answer(r.status, r.firstByteNs - r.sentNs)).toList();
    }

    /** One request's progress: connect, send, read the status line, close. */
    private static final class Request {
        final SocketChannel channel;
        final String path;
        final ByteBuffer head = ByteBuffer.allocate(STATUS_LINE_BYTES);
        long sentNs;
        long firstByteNs;
        int status;

        Request(SocketChannel channel, String path) {
            this.channel = channel;
            this.path = path;
        }

        /** Advances on a readiness event; true once this request is finished (answered or failed). */
        boolean step(SelectionKey key) {
            try {
                if (key.isConnectable()) {
                    channel.finishConnect();
                    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    sentNs = System.nanoTime();
                    channel.write(ByteBuffer.wrap(request)); // a few dozen bytes: one write
                    key.interestOps(SelectionKey.OP_READ);
                    return false;
                }
                if (key.isReadable()) {
                    int n = channel.read(head);
                    if (n > 0 && firstByteNs == 0) {
                        firstByteNs = System.nanoTime();
                    }
                    if (!head.hasRemaining()) {
                        String line = new String(head.array(), StandardCharsets.US_ASCII);
                        status = Integer.parseInt(line.substring(9, 12));
                    }
                    if (n < 0 || !head.hasRemaining()) {
                        key.cancel();
                        channel.close();
                        return true;
                    }
                }
                return false;
            } catch (IOException | NumberFormatException e) {
                key.cancel();
                return true;
            }
        }
    }
}
