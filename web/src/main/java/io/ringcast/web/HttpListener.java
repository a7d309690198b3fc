package io.ringcast.web;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.ingest.server.ListenBacklog;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The embedded server's HTTP listener: Undertow's HTTP/1.1 protocol on an XNIO worker of its own, assembled here
 * rather than by {@code Undertow.builder()} so that each accepted connection passes an {@link HttpConnectionGate}:
 * admitted under the connection limits, or refused with a reason, and counted when closed for a limit. Started and
 * stopped by one thread; connections run on the worker's I/O threads.
 *
 * <p>Worker, socket and buffer settings are Undertow's builder defaults, plus the {@code [http]} limits.
 */
final class HttpListener implements AutoCloseable {
    /** Undertow's default buffer for heaps of 128 MB and more; a request head is parsed out of one. */
    private static final int BUFFER_BYTES = 16_364;
    private static final int BUFFERS_PER_THREAD_CACHE = 4;
    private static final int WORKER_THREADS_PER_IO_THREAD = 8;
    /** The worker's own connection cap; the listener's is {@code max_connections}. */
    private static final int WORKER_CONNECTION_WATER = 1_000_000;
    private static final int PRESTART_TIMEOUT_S = 10;
    /**
     * Connections accepted beyond {@code max_connections} only to be answered 503 (each for at most a couple of
     * seconds); past these, a flood waits in the accept backlog instead of costing the server anything.
     */
    private static final int REFUSING_HEADROOM = 1_000;
    /** How long a stop waits for responses to end (a viewer that reads nothing would hold it forever). */
    private static final long DRAIN_MILLIS = 3_000;

    private final XnioWorker worker;
    private final ByteBufferPool buffers;
    private final AcceptingChannel<StreamConnection> channel;
    private final RequestsInProgress requests;
    private final ServerCounters serverCounters;
    private final IntSupplier openConnections;
    private volatile boolean stopping;

    private HttpListener(XnioWorker worker, ByteBufferPool buffers, HttpConfig http, HttpHandler root,
                         ServerCounters serverCounters) throws IOException {
        HttpCounters counters = HttpCounters.in(serverCounters);
        this.worker = worker;
        this.buffers = buffers;
        OptionMap undertowOptions = OptionMap.builder()
                // Slow or hostile clients: bounded request heads, sent in time, and no idle connections forever.
                .set(UndertowOptions.MAX_HEADER_SIZE, http.maxHeaderBytes())
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, http.requestParseTimeoutMs())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, http.idleTimeoutMs())
                .getMap();
        HttpOpenListener undertow = new HttpOpenListener(buffers, undertowOptions);
        // Counts the requests in progress, so a stop can wait until each ended response is on the wire.
        this.requests = new RequestsInProgress(root);
        undertow.setRootHandler(requests);
        HttpConnectionGate gate = new HttpConnectionGate(undertow, http, counters, () -> stopping);
        this.channel = worker.createStreamConnectionServer(
                new InetSocketAddress(InetAddress.getByName(http.address()), http.port()),
                ChannelListeners.openListenerAdapter(HttpWriteTimeout.before(gate, http, counters)),
                socketOptions(worker, http));
        channel.resumeAccepts();
        this.serverCounters = serverCounters;
        this.openConnections = gate::openConnections;
        serverCounters.countOpenConnections("http", openConnections);
    }

    /** Binds {@code [http] address:port} and serves {@code root}; fails if the port cannot be bound. */
    static HttpListener start(HttpConfig http, HttpHandler root, ServerCounters counters) {
        return start(http, root, counters, newBufferPool());
    }

    /**
     * Undertow's buffers, as its builder makes them: direct, one request head each. A buffer returned while another
     * thread may still write into it is heap corruption, not just wrong bytes: buffers beyond the four per thread
     * that the pool caches are freed at once. Not Undertow's own pool, for its finalizers ({@link HttpBufferPool}).
     */
    static ByteBufferPool newBufferPool() {
        return new HttpBufferPool(BUFFER_BYTES, BUFFERS_PER_THREAD_CACHE);
    }

    /** As {@link #start(HttpConfig, HttpHandler, ServerCounters)} with the given buffers, which close closes. */
    static HttpListener start(HttpConfig http, HttpHandler root, ServerCounters counters, ByteBufferPool buffers) {
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
        int workerThreads = ioThreads * WORKER_THREADS_PER_IO_THREAD;
        XnioWorker worker;
        try {
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.CONNECTION_HIGH_WATER, WORKER_CONNECTION_WATER)
                    .set(Options.CONNECTION_LOW_WATER, WORKER_CONNECTION_WATER)
                    .set(Options.WORKER_TASK_CORE_THREADS, workerThreads)
                    .set(Options.WORKER_TASK_MAX_THREADS, workerThreads)
                    .set(Options.TCP_NODELAY, true)
                    .set(Options.CORK, true)
                    .getMap());
        } catch (IOException e) {
            buffers.close();
            throw new UncheckedIOException("HTTP worker failed to start", e);
        }
        try {
            prestartWorkerThreads(worker, workerThreads);
            return new HttpListener(worker, buffers, http, root, counters);
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            buffers.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException("HTTP cannot listen on " + http.address() + ":" + http.port(),
                    (IOException) e);
        }
    }

    /**
     * Starts every worker thread now rather than at the first bursts of blocking requests: the pool is fixed (core =
     * max, never shrinking), so the server's thread count is the same before and after any load, which is what an
     * operator watching it for leaks needs, and a burst never waits for threads to be created. Each task holds its
     * thread until all have started, so the pool must create one thread per task.
     */
    private static void prestartWorkerThreads(XnioWorker worker, int threads) {
        CountDownLatch started = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < threads; i++) {
                worker.execute(() -> {
                    started.countDown();
                    try {
                        release.await(PRESTART_TIMEOUT_S, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            if (!started.await(PRESTART_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("HTTP worker started " + (threads - started.getCount()) + " of "
                        + threads + " threads within " + PRESTART_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the HTTP worker threads", e);
        } finally {
            release.countDown();
        }
    }

    private static OptionMap socketOptions(XnioWorker worker, HttpConfig http) {
        OptionMap.Builder options = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, ListenBacklog.CONNECTIONS)
                .set(Options.CONNECTION_HIGH_WATER, http.maxConnections() + REFUSING_HEADROOM)
                .set(Options.CONNECTION_LOW_WATER, http.maxConnections() + REFUSING_HEADROOM);
        if (http.sendBufferBytes() > 0) {
            // XNIO sets it on each accepted socket: a stalled viewer's backlog shows as lag within a second.
            options.set(Options.SEND_BUFFER, http.sendBufferBytes());
        }
        return options.getMap();
    }

    /** The port bound (the real one when configured as 0). */
    int port() {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** From now on new requests are answered 503; those in progress go on until they end or {@link #close}. */
    void refuseNewRequests() {
        requests.stop();
    }

    /** Requests whose exchange has not ended yet. */
    long requestsInProgress() {
        return requests.inProgress();
    }

    /**
     * Waits (bounded) for the requests in progress to end, so that responses already ended, such as HTTP-FLV
     * viewers closed at shutdown, reach their viewers whole; then stops accepting, closes the connections (not
     * counted as limits) and ends the worker's threads.
     */
    @Override
    public void close() {
        refuseNewRequests();
        try {
            requests.awaitNone(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping = true;
        serverCounters.stopCountingOpenConnections("http", openConnections);
        IoUtils.safeClose(channel);
        worker.shutdown();
        try {
            worker.awaitTermination();
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        buffers.close();
    }
}
