package io.ringcast.web.limits;

import io.ringcast.ingest.testing.PartialMessageFlood;
import io.ringcast.broadcast.testing.Await;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, finding 4: raw RTMP peers announce 8 MiB command messages on 61 chunk streams each and send one byte of
 * each, before any connect. The server holds only the bytes that arrived; peers that go on filling their messages
 * are closed at the per-connection or the server-wide budget for partial messages, counted in
 * {@code GET /api/server}, and the server publishes and plays on. The heap is measured in this JVM, which runs the
 * server, after full collections.
 */
@Timeout(120)
class RtmpPartialMessageFloodTest {
    private static final int CONNECTIONS = 16;
    /** The default max_message_bytes: the longest a server may be asked to expect. */
    private static final int ANNOUNCED_BYTES = 8 << 20;
    /** Defaults of [rtmp] max_partial_message_bytes_per_connection and max_partial_message_bytes. */
    private static final long DEFAULT_CONNECTION_BUDGET_BYTES = 1 << 20;
    private static final long DEFAULT_SERVER_BUDGET_BYTES = 64 << 20;
    private static final String CLOSED_CONNECTION_BUDGET = "rtmp.closed.max_partial_message_bytes_per_connection";
    private static final String CLOSED_SERVER_BUDGET = "rtmp.closed.max_partial_message_bytes";
    private static final int CLOSE_WAIT_MS = 10_000;
    private static final int GC_ROUNDS = 3;

    private LoopbackServer server;
    private final List<PartialMessageFlood> floods = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (PartialMessageFlood f : floods) {
            f.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldHoldOnlyTheBytesThatArrivedAndCloseEachPeerFillingPastItsConnectionBudget() throws Exception {
        server = LoopbackServer.start("");
        long heapBefore = usedHeapAfterGc();
        long clientBytes = 0;
        for (int i = 0; i < CONNECTIONS; i++) {
            PartialMessageFlood flood = new PartialMessageFlood(server.rtmpPort());
            floods.add(flood);
            clientBytes += flood.announce(PartialMessageFlood.MAX_CHUNK_STREAMS, ANNOUNCED_BYTES);
        }
        int answered = 0;
        for (PartialMessageFlood flood : floods) {
            answered += flood.pingAnswered() ? 1 : 0;
        }
        long heldBytes = usedHeapAfterGc() - heapBefore;
        System.out.printf("partial message flood: %d connections sent %d bytes of announcements; heap after GC "
                + "grew by %d bytes; %d connections answered a ping%n", CONNECTIONS, clientBytes, heldBytes, answered);
        assertTrue(heldBytes < CONNECTIONS * DEFAULT_CONNECTION_BUDGET_BYTES,
                "the heap grew by " + heldBytes + " bytes for " + clientBytes + " client bytes; budget "
                        + CONNECTIONS * DEFAULT_CONNECTION_BUDGET_BYTES);
        assertEquals(CONNECTIONS, answered, "every peer is still served: it holds little");

        for (PartialMessageFlood flood : floods) {
            flood.fill(2 * DEFAULT_CONNECTION_BUDGET_BYTES);
            assertTrue(flood.isClosedByServer(CLOSE_WAIT_MS), "closed at its budget, after "
                    + flood.filledBytes() + " bytes");
        }
        server.awaitCounter(CLOSED_CONNECTION_BUDGET, CONNECTIONS, ServerHealth.WAIT);
        long heldAfterBytes = usedHeapAfterGc() - heapBefore;
        System.out.printf("after filling: heap after GC %d bytes above the start; %s = %d%n", heldAfterBytes,
                CLOSED_CONNECTION_BUDGET, server.counter(CLOSED_CONNECTION_BUDGET));
        assertEquals(CONNECTIONS, server.counter(CLOSED_CONNECTION_BUDGET));
        assertEquals(0, server.counter(CLOSED_SERVER_BUDGET), "16 peers at 1 MiB stay within the 64 MiB");
        assertEquals(0, server.counter("rtmp.closed.protocol_violation"));
        assertTrue(heldAfterBytes < DEFAULT_SERVER_BUDGET_BYTES, "closed peers' buffers were freed: "
                + heldAfterBytes);
        ServerHealth.assertPublishAndPlayWork(server, "after");
    }

    @Test
    void shouldClosePeersThatWouldPassTheServerBudgetAndStillServeANewPublisher() throws Exception {
        long serverBudgetBytes = 4 << 20;
        long fillBytes = 512 << 10;
        // Scratch buffers grow by doubling, so 512 KiB received may take up to twice that: room for it per peer.
        server = LoopbackServer.start("""
                [rtmp]
                max_partial_message_bytes = %d
                max_partial_message_bytes_per_connection = %d
                """.formatted(serverBudgetBytes, 4 * fillBytes));
        for (int i = 0; i < CONNECTIONS; i++) {
            PartialMessageFlood flood = new PartialMessageFlood(server.rtmpPort());
            floods.add(flood);
            flood.announce(PartialMessageFlood.MAX_CHUNK_STREAMS, ANNOUNCED_BYTES);
        }
        int served = 0;
        for (PartialMessageFlood flood : floods) {
            // 16 of them would hold at least twice the server's budget.
            flood.fill(fillBytes);
            served += flood.pingAnswered() ? 1 : 0;
        }
        int closed = CONNECTIONS - served;
        System.out.printf("server budget %d bytes: %d of %d peers holding 512 KiB each served, %d closed%n",
                serverBudgetBytes, served, CONNECTIONS, closed);
        assertTrue(served >= 2 && served < CONNECTIONS, "some fit in the server budget, not all: " + served);
        server.awaitCounter(CLOSED_SERVER_BUDGET, closed, ServerHealth.WAIT);
        assertEquals(closed, server.counter(CLOSED_SERVER_BUDGET));
        assertEquals(0, server.counter(CLOSED_CONNECTION_BUDGET));

        // With the budget taken, a new client's small messages still fit in what every connection may hold.
        ServerHealth.assertPublishAndPlayWork(server, "legit");

        for (PartialMessageFlood flood : floods) {
            flood.close();
        }
        floods.clear();
        // The budget of closed peers comes back (their threads see the close at once): a new peer holds as much.
        Await.until("a new peer to hold 512 KiB", ServerHealth.WAIT, () -> {
            try (PartialMessageFlood next = new PartialMessageFlood(server.rtmpPort())) {
                next.announce(PartialMessageFlood.MAX_CHUNK_STREAMS, ANNOUNCED_BYTES);
                return next.fill(fillBytes) && next.pingAnswered();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void shouldRefuseToStartWithBudgetsThatContradictEachOther() {
        RuntimeException tooBig = assertThrows(RuntimeException.class, () -> LoopbackServer.start("""
                [rtmp]
                max_partial_message_bytes = 1048576
                max_partial_message_bytes_per_connection = 2097152
                """));
        assertTrue(tooBig.getMessage().contains("max_partial_message_bytes (1048576) must be at least "
                + "max_partial_message_bytes_per_connection (2097152)"), tooBig.getMessage());
        RuntimeException tooSmall = assertThrows(RuntimeException.class, () -> LoopbackServer.start("""
                [rtmp]
                max_partial_message_bytes_per_connection = 1000
                """));
        assertTrue(tooSmall.getMessage().contains("max_partial_message_bytes_per_connection"), tooSmall.getMessage());
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
