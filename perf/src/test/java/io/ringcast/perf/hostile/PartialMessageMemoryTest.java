package io.ringcast.perf.hostile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.testing.CloseAfterEach;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, finding 4 (and "done when" 5): 16 RTMP connections each declare an 8 MiB message on 61 chunk streams
 * and send one byte of each, before {@code connect}. About 13 KB from the clients must not turn into gigabytes of
 * heap: before the fix the heap grew by ~500 MB per connection and the server threw OutOfMemoryErrors.
 */
@Tag("hostile")
@Timeout(120)
class PartialMessageMemoryTest {
    private static final int CONNECTIONS = 16;
    /**
     * What 16 such connections may cost at most: well under one connection's worth of declared lengths (61 x 8 MiB)
     * and far under the 512 MiB heap; a partial-message budget worth the name stays below it.
     */
    private static final long HEAP_GROWTH_LIMIT_BYTES = 128L << 20;

    @RegisterExtension
    final CloseAfterEach cleanup = new CloseAfterEach();
    private ServerProcess server;
    private final List<PartialMessageFlood> floods = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (PartialMessageFlood f : floods) {
            f.close();
        }
    }

    @Test
    void shouldNotLetPartialMessagesOfSixteenConnectionsGrowTheHeapByMoreThanABudget() throws Exception {
        server = cleanup.add(ServerProcess.start(""));
        ServerProcess.Resources before = server.resourcesAfterGc();
        long committedBefore = server.heapCommittedBytes();
        int wireBytes = 0;
        for (int i = 0; i < CONNECTIONS; i++) {
            try {
                PartialMessageFlood f = PartialMessageFlood.send("127.0.0.5", server.rtmpPort());
                floods.add(f);
                wireBytes += f.bytesSent();
            } catch (java.io.IOException refusedOrClosed) {
                // a server that refuses such a connection at once is fine; counted below
            }
        }
        RawHttp.Answer api = RawHttp.get(server.httpPort(), "/api/server", 5_000);
        ServerProcess.Resources during = server.resourcesAfterGc();
        long committedDuring = server.heapCommittedBytes();
        long growth = during.heapUsedBytes() - before.heapUsedBytes();
        int closedByServer = 0;
        for (PartialMessageFlood f : floods) {
            closedByServer += f.closedByServer(10) ? 1 : 0;
        }
        String log = server.logText();
        String figures = CONNECTIONS + " connections (" + floods.size() + " accepted, " + closedByServer
                + " since closed by the server), " + wireBytes + " bytes sent: heap used " + (before.heapUsedBytes()
                >> 20) + " -> " + (during.heapUsedBytes() >> 20) + " MiB after GC, committed " + (committedBefore
                >> 20) + " -> " + (committedDuring >> 20) + " MiB; OutOfMemoryErrors in the log: "
                + (log.split("OutOfMemoryError", -1).length - 1) + "; GET /api/server " + api;
        System.out.println("[hostile] finding 4: " + figures);

        assertFalse(log.contains("OutOfMemoryError"), "OutOfMemoryError in the server log: " + figures + "\n"
                + server.logTail());
        assertTrue(growth < HEAP_GROWTH_LIMIT_BYTES, "heap grew by " + (growth >> 20) + " MiB: " + figures);
        Health.assertResponsive(server, "with " + floods.size() + " partial-message connections open");
        cleanup.add(SyntheticPublisher.small(server.rtmpPort(), "legit"));
        Health.assertFlvViewerServed(server, "/live/legit.flv", 5_000);

        for (PartialMessageFlood f : floods) {
            f.close();
        }
        Health.assertResponsive(server, "after the partial-message connections closed");
    }
}
