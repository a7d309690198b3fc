package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 8: what a prodding client learns from errors. A time far out of range in the latency report
 * must be a 400 with the reason, never a 500 with a Java stack trace; {@code TRACE} (and other methods no endpoint
 * uses) must be 405 everywhere, not 200; methods no server knows may be 501.
 */
@Tag("hostile")
@Timeout(60)
class ErrorHygieneTest {
    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;

    @BeforeEach
    void start() throws Exception {
        server = cleanup.add(ServerProcess.start("""
                [latency_log]
                enable = true
                directory = "latency-logs"
                """));
    }


    @Test
    void shouldAnswerAnOutOfRangeReportTimeWith400AndNoStackTrace() {
        List<String> paths = List.of("/ops/latency.csv?to=%2B1000000000-01-01T00:00:00Z",
                "/ops/latency.csv?from=-1000000000-01-01T00:00:00Z",
                "/ops/latency?to=%2B1000000000-01-01T00:00:00Z");
        List<String> wrong = new ArrayList<>();
        for (String path : paths) {
            RawHttp.Answer a = RawHttp.get(server.httpPort(), path, 10_000);
            System.out.println("[hostile] finding 8: GET " + path + " -> " + a);
            Health.assertNoStackTrace(a, "GET " + path);
            if (a.status() != 400 || a.text().isBlank()) {
                wrong.add(path + " -> " + a);
            }
        }
        assertTrue(wrong.isEmpty(), "out-of-range times not answered 400 with a reason: " + wrong);
        Health.assertResponsive(server, "after the report requests");
    }

    @Test
    void shouldAnswerTraceAndUnusedMethodsWith405OnEveryPath() {
        List<String> wrong = new ArrayList<>();
        for (String method : List.of("TRACE", "TRACK", "PROPFIND")) {
            for (String path : List.of("/", "/api/server", "/live/x.flv", "/live/x.m3u8", "/play/live/x")) {
                RawHttp.Answer a = RawHttp.request("127.0.0.13", server.httpPort(), method, path, Map.of(), 5_000);
                Health.assertNoStackTrace(a, method + " " + path);
                // TRACE is a method the server knows and must refuse; methods it does not know may be 501 as well.
                boolean refused = a.status() == 405 || (!method.equals("TRACE") && a.status() == 501);
                if (!refused) {
                    wrong.add(method + " " + path + " -> " + a.status());
                }
            }
        }
        System.out.println("[hostile] finding 8: unused methods not refused: " + wrong);
        assertTrue(wrong.isEmpty(), "unused methods not refused (405; 501 for unknown ones): " + wrong);
        RawHttp.Answer get = RawHttp.get(server.httpPort(), "/api/server", 5_000);
        assertEquals(200, get.status(), "GET still works: " + get);
        assertFalse(get.text().isEmpty());
    }
}
