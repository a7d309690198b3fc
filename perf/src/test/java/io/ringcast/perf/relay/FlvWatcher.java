package io.ringcast.perf.relay;

import io.ringcast.perf.load.flv.ChunkedBodyDecoder;
import io.ringcast.perf.load.flv.FlvStreamParser;
import io.ringcast.perf.load.flv.HttpResponseHead;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One HTTP-FLV viewer on its own thread, as a player: requests a URL on loopback and reads the stream until closed,
 * recording when each video keyframe arrived and whether video timestamps ever went back. Counters are read by the
 * test thread while it runs.
 */
final class FlvWatcher implements AutoCloseable, FlvStreamParser.Listener {
    private static final int READ_BYTES = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int FRAME_TYPE_KEY = 1;

    private final Socket socket = new Socket();
    private final Thread thread;
    private final HttpResponseHead head = new HttpResponseHead();
    private final FlvStreamParser parser = new FlvStreamParser(this, 1);
    private final ChunkedBodyDecoder chunked = new ChunkedBodyDecoder(parser);
    private final List<Long> keyframeArrivalsNs = new CopyOnWriteArrayList<>();
    private volatile int status;
    private volatile long videoTags;
    private volatile long timestampRegressions;
    private volatile long lastVideoTimestampMs = -1;
    private final long startedNs = System.nanoTime();
    private volatile long firstVideoNs;
    private volatile boolean firstVideoIsKeyframe;
    private volatile boolean ended;
    private volatile String endReason = "";

    private FlvWatcher(String host, int port, String target) {
        thread = new Thread(() -> watch(host, port, target), "flv-watcher " + target);
        thread.setDaemon(true);
    }

    /** Starts watching {@code http://host:port/target}. */
    static FlvWatcher start(String host, int port, String target) {
        FlvWatcher watcher = new FlvWatcher(host, port, target);
        watcher.thread.start();
        return watcher;
    }

    private void watch(String host, int port, String target) {
        byte[] bytes = new byte[READ_BYTES];
        UnsafeBuffer view = new UnsafeBuffer(bytes);
        try {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUser-Agent: flv-watcher\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
                    body(view, offset, n - offset);
                }
            }
            endReason = "the server ended the stream";
        } catch (IOException | RuntimeException e) {
            endReason = e.toString();
        } finally {
            ended = true;
        }
    }

    private void body(DirectBuffer view, int offset, int length) {
        if (head.isChunked()) {
            chunked.decode(view, offset, length);
        } else {
            parser.onData(view, offset, length);
        }
    }

    @Override
    public void onTag(int tagType, long timestampMs, DirectBuffer prefix, int prefixLength, int bodyLength) {
        if (tagType != FlvStreamParser.TYPE_VIDEO) {
            return;
        }
        if (timestampMs < lastVideoTimestampMs) {
            timestampRegressions++;
        }
        lastVideoTimestampMs = timestampMs;
        boolean keyframe = prefixLength > 0 && (prefix.getByte(0) >> 4 & 0x0F) == FRAME_TYPE_KEY;
        if (videoTags++ == 0) {
            firstVideoNs = System.nanoTime();
            firstVideoIsKeyframe = keyframe;
        }
        if (keyframe) {
            keyframeArrivalsNs.add(System.nanoTime());
        }
    }

    /** The response status, 0 before the head arrived. */
    int status() {
        return status;
    }

    long videoTags() {
        return videoTags;
    }

    /** Whether the first video tag was a keyframe (meaningful once {@link #videoTags()} is above 0). */
    boolean firstVideoIsKeyframe() {
        return firstVideoIsKeyframe;
    }

    /** Milliseconds from the start to the first video tag (a sequence header counts), -1 before it. */
    long firstVideoAfterMs() {
        return videoTags == 0 ? -1 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(firstVideoNs - startedNs);
    }

    /** How often a video timestamp was lower than the one before. */
    long timestampRegressions() {
        return timestampRegressions;
    }

    /** Whether a video keyframe arrived at or after {@code nanoTime} ({@link System#nanoTime()}). */
    boolean keyframeSince(long nanoTime) {
        for (long arrived : keyframeArrivalsNs) {
            if (arrived - nanoTime >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the connection ended (by the server, an error or {@link #close}); {@link #endReason} says why. */
    boolean ended() {
        return ended;
    }

    String endReason() {
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
