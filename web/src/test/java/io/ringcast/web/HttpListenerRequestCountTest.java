package io.ringcast.web;

import io.ringcast.broadcast.ServerCounters;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.testing.Http;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener counts each request in progress exactly once, whatever Undertow does with its completion
 * listeners. Undertow's exchange state is not thread-safe: when two threads end one exchange at once (the IO
 * thread and a thread that closed the connection after a failed write), both can run the completion listeners.
 * Undertow's GracefulShutdownHandler then decremented twice, its count went below zero into its "shut down" bit,
 * and every later request was answered 503 with an empty body until restart. The handler below replays an
 * exchange's completion listeners once more, as that race does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpListenerRequestCountTest {
    private HttpListener listener;

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void shouldKeepServingWhenAnExchangeCompletesTwice() throws Exception {
        listener = HttpListener.start(config(), new CompletesTwice(), new ServerCounters());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status("/twice"), "request " + i);
        }
        HttpURLConnection after = Http.open(listener.port(), "GET", "/ok");
        assertEquals(200, after.getResponseCode(), "a double completion must not refuse later requests: "
                + Http.body(after));
        // The last request is counted out when its exchange completes, just after the client has read the answer.
        Await.until("each request counted in once and out once", Duration.ofSeconds(5),
                () -> listener.requestsInProgress() == 0);
    }

    @Test
    void shouldRefuseNewRequestsWithAReasonOnceStoppingAndDrainToZero() throws Exception {
        listener = HttpListener.start(config(), new CompletesTwice(), new ServerCounters());
        assertEquals(200, status("/twice"));
        listener.refuseNewRequests();
        HttpURLConnection refused = Http.open(listener.port(), "GET", "/ok");
        assertEquals(503, refused.getResponseCode());
        assertTrue(Http.body(refused).contains("stopping"), "the 503 says why");
        Await.until("drained to zero", Duration.ofSeconds(5), () -> listener.requestsInProgress() == 0);
    }

    private int status(String path) throws Exception {
        HttpURLConnection c = Http.open(listener.port(), "GET", path);
        int code = c.getResponseCode();
        Http.body(c);
        return code;
    }

    private static HttpConfig config() {
        return HttpConfig.read(TestConfig.loopback().set("http", "fanout_threads", 1)
                .set("http", "send_buffer_bytes", 0).configFile());
    }

    /** Answers 200 "ok"; for {@code /twice} it runs the listeners registered before it once more at the end. */
    private static final class CompletesTwice implements HttpHandler {
        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.getRequestPath().equals("/twice")) {
                ExchangeCompletionListener[] outer = completionListeners(exchange);
                exchange.addExchangeCompleteListener((ended, next) -> {
                    try {
                        for (ExchangeCompletionListener l : outer) {
                            if (l != null) {
                                l.exchangeEvent(ended, () -> { });
                            }
                        }
                    } finally {
                        next.proceed();
                    }
                });
            }
            exchange.getResponseSender().send("ok");
        }

        private static ExchangeCompletionListener[] completionListeners(HttpServerExchange exchange)
                throws ReflectiveOperationException {
            Field field = HttpServerExchange.class.getDeclaredField("exchangeCompleteListeners");
            field.setAccessible(true);
            ExchangeCompletionListener[] listeners = (ExchangeCompletionListener[]) field.get(exchange);
            return listeners == null ? new ExchangeCompletionListener[0] : listeners.clone();
        }
    }
}
