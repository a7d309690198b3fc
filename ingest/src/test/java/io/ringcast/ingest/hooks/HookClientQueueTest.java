package io.ringcast.ingest.hooks;

import com.sun.net.httpserver.HttpServer;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.hooks.HookEvent;
import io.ringcast.broadcast.hooks.HookRequest;
import io.ringcast.broadcast.hooks.HookStats;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.time.NanoClock;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hook client's bounds against a real HTTP service that holds its answers: {@code max_in_flight} calls reach the
 * service, {@code max_queued} wait, the next fails at once with the reason and is counted; released, every accepted
 * call gets its answer and the client holds nothing open.
 */
@Timeout(30)
class HookClientQueueTest {
    private static final HookRequest REQUEST = new HookRequest("httpflv", "1", "127.0.0.1",
            new StreamPath("live", "cam"), "", "", "", "", "", "");
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final ExecutorService serviceThreads = Executors.newCachedThreadPool();
    private final ExecutorService answerThreads = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private HttpServer service;

    @AfterEach
    void stop() {
        release.countDown();
        if (service != null) {
            service.stop(0);
        }
        serviceThreads.shutdownNow();
        answerThreads.shutdownNow();
        timer.shutdownNow();
    }

    private URI holdingService() throws Exception {
        service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        service.setExecutor(serviceThreads);
        service.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        service.start();
        return URI.create("http://127.0.0.1:" + service.getAddress().getPort() + "/play");
    }

    @Test
    void shouldFailACallAtOnceWhenMaxInFlightAreOpenAndMaxQueuedWait() throws Exception {
        URI url = holdingService();
        HooksConfig config = HooksConfig.read(ConfigFile.parse("""
                [hooks]
                max_in_flight = 2
                max_queued = 3
                """, "hooks.toml").section("hooks"));
        HookStats stats = new HookStats();
        HttpClient http = HttpClient.newBuilder().executor(answerThreads).version(HttpClient.Version.HTTP_1_1).build();
        HookClient client = new HookClient(http, HookStyle.named("nginx-rtmp"), stats, NanoClock.SYSTEM, timer,
                config);

        List<CompletableFuture<HookAnswer>> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accepted.add(client.call(HookEvent.PLAY, url, REQUEST, 20_000));
        }
        CompletableFuture<HookAnswer> overQueue = client.call(HookEvent.PLAY, url, REQUEST, 20_000);

        assertTrue(overQueue.isDone(), "refused without waiting");
        HookAnswer refused = overQueue.get();
        assertEquals(HookAnswer.Kind.FAILED, refused.kind());
        assertEquals("the hook queue is full (3 waiting, [hooks] max_queued)", refused.text());
        assertEquals(1, stats.snapshot(HookEvent.PLAY).failed());
        Await.until("two calls at the service", WITHIN, () -> received.get() == 2);
        assertEquals(2, client.inFlight());
        accepted.forEach(call -> assertFalse(call.isDone(), "held by the service or queued"));

        release.countDown();
        for (CompletableFuture<HookAnswer> call : accepted) {
            assertEquals(HookAnswer.Kind.ALLOW, call.get(10, TimeUnit.SECONDS).kind());
        }
        assertEquals(5, received.get(), "the queued three went out as slots freed");
        Await.until("nothing left open", WITHIN, () -> client.inFlight() == 0);
        assertEquals(5, stats.snapshot(HookEvent.PLAY).calls());
        assertEquals(1, stats.snapshot(HookEvent.PLAY).failed());
    }
}
