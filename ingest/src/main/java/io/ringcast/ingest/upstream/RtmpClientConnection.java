package io.ringcast.ingest.upstream;

import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.ingest.RtmpConfig;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.AcknowledgementWindow;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.PartialMessageBudget;
import io.ringcast.ingest.handshake.HandshakeInitiator;
import io.ringcast.ingest.server.ChannelIo;
import io.ringcast.ingest.server.MessageDispatcher;
import io.ringcast.ingest.server.RtmpMessageWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The client side of one RTMP connection to another server, shared by {@link RtmpPull} and {@link RtmpPush}: TCP
 * connect with a timeout, the simple handshake ({@link HandshakeInitiator}), then the server's own pieces for the
 * rest: {@link ChunkDecoder} with the server's limits (message size, chunk size, partial-message budgets),
 * {@link MessageDispatcher} (acknowledgement window, ping answers, media and data into a
 * {@link io.ringcast.ingest.publish.MediaIngest}), {@link RtmpMessageWriter} for commands and control messages.
 * Blocking, every read with a timeout, on the thread that opens it; {@link #close()} from any thread.
 *
 * <p>Commands (Adobe RTMP specification 7.2.1): {@code connect}, {@code createStream} wait for their
 * {@code _result}; an {@code _error} or an error {@code onStatus} becomes an {@link UpstreamException} with the
 * server's code and description. Whatever the upstream sends that breaks the protocol or a limit becomes an
 * {@link UpstreamException} too, and ends this connection alone.
 */
final class RtmpClientConnection implements AutoCloseable {
    /** The flashVer ffmpeg's librtmp-compatible client sends; some servers insist on a Flash-like one. */
    static final String FLASH_VERSION = "LNX 9,0,124,2";
    /** Window Acknowledgement Size this client announces, as common servers do. */
    static final int WINDOW_BYTES = 5_000_000;
    /** Sent on the play's message stream: the client buffers this much (a live relay wants none to speak of). */
    static final int BUFFER_LENGTH_MS = 100;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_STREAMS = 64;
    private static final double CONNECT_TRANSACTION = 1;
    /** Reads per {@link #readAvailable} call, so a chatty upstream cannot hold the thread. */
    private static final int MAX_NON_BLOCKING_READS = 4;
    /** Partial-message memory of every upstream connection of the process together, as the server's budget. */
    private static final PartialMessageBudget UPSTREAM_BUDGET =
            new PartialMessageBudget(RtmpConfig.DEFAULT_MAX_PARTIAL_MESSAGE_BYTES);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the upstream said in an onStatus. */
    record Status(String level, String code, String description) {
        boolean isError() {
            return "error".equals(level);
        }

        @Override
        public String toString() {
            return code + (description == null || description.isEmpty() ? "" : ": " + description);
        }
    }

    /** Receives the upstream's onStatus messages; may throw an {@link UpstreamException} to end the connection. */
    @FunctionalInterface
    interface StatusListener {
        void onStatus(Status status) throws UpstreamException;
    }

    private final UpstreamUrl url;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final NanoClock clock;
    private final RtmpConfig limits = RtmpConfig.DEFAULTS;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final UnsafeBuffer readView = new UnsafeBuffer(readBuffer);
    /** Answers to our commands by transaction id: the values after the transaction id, or an error. */
    private final Map<Double, List<Object>> results = new HashMap<>();
    private final Map<Double, String> errors = new HashMap<>();
    private final Object closeLock = new Object();
    private volatile SocketChannel channel;
    private volatile ChannelIo io;
    private volatile boolean closed;
    private RtmpMessageWriter writer;
    private ChunkDecoder decoder;
    private AcknowledgementWindow acknowledgements;
    private StatusListener statusListener = status -> { };
    private IntConsumer streamEof;
    private double nextTransaction = CONNECT_TRANSACTION + 1;
    private long lastReadNs;

    RtmpClientConnection(UpstreamUrl url, int connectTimeoutMs, int readTimeoutMs, NanoClock clock) {
        if (!url.isRtmp()) {
            throw new IllegalArgumentException("not an rtmp URL: " + url);
        }
        if (connectTimeoutMs <= 0 || readTimeoutMs <= 0) {
            throw new IllegalArgumentException("timeouts must be positive: connectTimeoutMs=" + connectTimeoutMs
                    + " readTimeoutMs=" + readTimeoutMs);
        }
        this.url = url;
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
        this.clock = clock;
    }

    void onStatus(StatusListener listener) {
        this.statusListener = listener;
    }

    /** Receives the message stream id of each User Control StreamEOF; set before {@link #open}. */
    void onStreamEof(IntConsumer listener) {
        this.streamEof = listener;
    }

    /**
     * Connects the socket, runs the handshake and wires the decoder; media and data go where {@code route} says.
     *
     * @throws UpstreamException when the upstream cannot be reached, times out or answers no RTMP handshake
     */
    void open(MessageDispatcher.IngestRoute route) throws IOException {
        SocketChannel ch = SocketChannel.open();
        synchronized (closeLock) {
            channel = ch;
            if (closed) {
                ch.close();
                throw new ClosedChannelException();
            }
        }
        try {
            ch.socket().connect(new InetSocketAddress(url.host(), url.port()), connectTimeoutMs);
        } catch (SocketTimeoutException e) {
            throw new UpstreamException("no connection to " + url.host() + ":" + url.port() + " within "
                    + connectTimeoutMs + " ms");
        } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.NoRouteToHostException e) {
            throw new UpstreamException("cannot connect to " + url.host() + ":" + url.port() + ": " + e.getMessage());
        }
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ChannelIo timed = new ChannelIo(ch, clock);
        io = timed;
        if (closed) {
            throw new ClosedChannelException();
        }
        writer = new RtmpMessageWriter(timed, readTimeoutMs);
        int leftover = handshake(timed);
        acknowledgements = new AcknowledgementWindow();
        MessageDispatcher dispatcher = new MessageDispatcher(this::onCommand, route, writer, acknowledgements,
                url.masked());
        if (streamEof != null) {
            dispatcher.onStreamEof(streamEof);
        }
        decoder = new ChunkDecoder(dispatcher, limits.maxMessageBytes(), limits.maxChunkSizeBytes(),
                MAX_CHUNK_STREAMS, limits.maxPartialMessageBytesPerConnection(), UPSTREAM_BUDGET);
        decode(leftover);
    }

    /** C0+C1 out, S0+S1+S2 in, C2 out; returns how many bytes after S2 are at the start of the read buffer. */
    private int handshake(ChannelIo timed) throws IOException {
        HandshakeInitiator handshake = new HandshakeInitiator(RANDOM, (int) TimeUnit.NANOSECONDS.toMillis(
                clock.nanoTime()));
        timed.writeFully(ByteBuffer.wrap(handshake.request()), readTimeoutMs);
        lastReadNs = clock.nanoTime();
        while (true) {
            int n = readSome();
            if (n < 0) {
                throw new UpstreamException("upstream closed the connection during the handshake");
            }
            int consumed;
            try {
                consumed = handshake.consume(readView, 0, n);
            } catch (RtmpProtocolException e) {
                throw new UpstreamException("upstream broke the handshake: " + e.getMessage());
            }
            if (handshake.isComplete()) {
                ByteBuffer c2 = ByteBuffer.wrap(handshake.acknowledgement().byteArray());
                timed.writeFully(c2, readTimeoutMs);
                int leftover = n - consumed;
                readView.putBytes(0, readView, consumed, leftover);
                return leftover;
            }
        }
    }

    /**
     * Sends Set Chunk Size and {@code connect}, waits for its {@code _result}, then announces this client's window.
     *
     * @param chunkSizeBytes outgoing chunk size from now on
     */
    void connect(int chunkSizeBytes) throws IOException {
        writer.setChunkSize(chunkSizeBytes);
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("app", url.rtmpApp());
        command.put("flashVer", FLASH_VERSION);
        command.put("tcUrl", url.rtmpTcUrl());
        command.put("fpad", false);
        command.put("capabilities", 15.0);
        command.put("audioCodecs", 4071.0);
        command.put("videoCodecs", 252.0);
        command.put("videoFunction", 1.0);
        command.put("objectEncoding", 0.0);
        writer.command(0, "connect", CONNECT_TRANSACTION, command);
        writer.flush();
        awaitResult(CONNECT_TRANSACTION, "connect");
        writer.windowAcknowledgementSize(WINDOW_BYTES);
        writer.flush();
    }

    /** Sends {@code createStream} and returns the message stream id of its {@code _result}. */
    int createStream() throws IOException {
        double transaction = call("createStream");
        List<Object> result = awaitResult(transaction, "createStream");
        if (result.size() < 2 || !(result.get(1) instanceof Double id) || id < 0 || id > Integer.MAX_VALUE) {
            throw new UpstreamException("createStream answered without a stream id: " + result);
        }
        return id.intValue();
    }

    /** Sends a command on the connection (message stream 0) without waiting; returns its transaction id. */
    double call(String name, Object... values) throws IOException {
        double transaction = nextTransaction++;
        writer.command(0, name, transaction, values);
        writer.flush();
        return transaction;
    }

    RtmpMessageWriter writer() {
        return writer;
    }

    ChunkDecoder decoder() {
        return decoder;
    }

    AcknowledgementWindow acknowledgements() {
        return acknowledgements;
    }

    /** The socket, for a push that turns it non-blocking once it publishes. */
    SocketChannel channel() {
        return channel;
    }

    ChannelIo io() {
        return io;
    }

    long lastReadNs() {
        return lastReadNs;
    }

    /**
     * One timed read, decoded; acknowledgements and replies flushed. Returns the byte count, -1 at end of stream.
     *
     * @throws UpstreamException on a read timeout, a refusal in an answer or onStatus, or a protocol violation
     */
    int readOnce() throws IOException {
        int n = readSome();
        if (n > 0) {
            decode(n);
        }
        return n;
    }

    /**
     * After the socket went non-blocking (a publishing push): decodes whatever the upstream sent meanwhile, at most a
     * few buffers' worth; returns the bytes read, 0 when none, -1 at end of stream. Replies go where the writer was
     * redirected. On the thread that owns the connection now.
     */
    int readAvailable() throws IOException {
        int total = 0;
        for (int i = 0; i < MAX_NON_BLOCKING_READS; i++) {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                return -1;
            }
            if (n == 0) {
                break;
            }
            lastReadNs = clock.nanoTime();
            total += n;
            decode(n);
        }
        return total;
    }

    /** One timed read into the read buffer, from its start. */
    private int readSome() throws IOException {
        readBuffer.clear();
        int n;
        try {
            n = io.read(readBuffer, lastReadNs, readTimeoutMs);
        } catch (SocketTimeoutException e) {
            throw new UpstreamException("no data from upstream for " + readTimeoutMs + " ms");
        }
        if (n >= 0) {
            lastReadNs = clock.nanoTime();
        }
        return n;
    }

    /** Decodes the first {@code n} bytes of the read buffer; answers what must be answered. */
    void decode(int n) throws IOException {
        try {
            decoder.decode(readView, 0, n);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RtmpProtocolException e) {
            throw new UpstreamException("upstream broke the protocol: " + e.getMessage(), e);
        } catch (MediaFormatException e) {
            throw new UpstreamException("upstream sent malformed media: " + e.getMessage(), e);
        }
        long received = decoder.bytesConsumed();
        if (acknowledgements.shouldAcknowledge(received)) {
            writer.acknowledgement(received);
        }
        writer.flush();
    }

    /** Reads until the answer to {@code transaction} arrives; returns its values after the transaction id. */
    private List<Object> awaitResult(double transaction, String command) throws IOException {
        while (!results.containsKey(transaction)) {
            String error = errors.get(transaction);
            if (error != null) {
                throw new UpstreamException(command + " refused: " + error);
            }
            if (readOnce() < 0) {
                throw new UpstreamException("upstream closed the connection, waiting for the answer to " + command);
            }
        }
        return results.get(transaction);
    }

    /** Command messages from the upstream (decoding thread): answers to our calls and onStatus. */
    private void onCommand(List<Object> values, int messageStreamId) {
        if (values.size() < 2 || !(values.get(0) instanceof String name)) {
            throw new RtmpProtocolException("command without a name");
        }
        double transaction = values.get(1) instanceof Double d ? d : 0;
        switch (name) {
            case "_result" -> results.put(transaction, values.subList(2, values.size()));
            case "_error" -> errors.put(transaction, String.valueOf(statusOf(values)));
            case "onStatus" -> {
                try {
                    statusListener.onStatus(statusOf(values));
                } catch (UpstreamException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> {
                // onBWDone, onFCPublish, _checkbw and the like need no answer from a client.
            }
        }
    }

    /** The info object of an onStatus or _error: values = name, transaction, null, info. */
    private static Status statusOf(List<Object> values) {
        Object info = values.size() > 3 ? values.get(3) : null;
        if (!(info instanceof Map<?, ?> map)) {
            return new Status("error", "(no info object)", "");
        }
        return new Status(text(map.get("level")), text(map.get("code")), text(map.get("description")));
    }

    private static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        s = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** Closes the socket; a blocked read or write ends at once. Any thread, idempotent. */
    @Override
    public void close() {
        SocketChannel ch;
        synchronized (closeLock) {
            closed = true;
            ch = channel;
        }
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        ChannelIo timed = io;
        if (timed != null) {
            timed.wakeup();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Gives the decoder's partial-message memory back; on the owning thread, when the connection ends. */
    void releaseBuffers() {
        if (decoder != null) {
            decoder.releaseBuffers();
        }
    }
}
