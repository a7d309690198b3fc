package io.ringcast.ingest.server;

import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.time.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * ChannelIo's read and write timeouts on the injected clock, over a real loopback connection: the test steps a
 * {@link ManualClock} while a read waits for a silent peer (the socket's own timeout only makes it look at the clock
 * again), or while a write waits for a peer that stopped reading (which then takes a little to wake it).
 */
@Timeout(30)
class ChannelIoTest {
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Far more than the two sockets' buffers hold, so the write must wait for the peer. */
    private static final int WRITE_BYTES = 8 << 20;
    /** Long in real time: only the manual clock can make it pass within the test. */
    private static final long TIMEOUT_MS = 60_000;
    /** The socket's timeout follows the clock's remaining time: short, so a read waits through several. */
    private static final long SHORT_TIMEOUT_MS = 20;

    private final ManualClock clock = new ManualClock(0);
    /** How often ChannelIo looked at the clock: once per wait, so it shows a read waiting through socket timeouts. */
    private final AtomicInteger clockReads = new AtomicInteger();
    private final NanoClock countedClock = () -> {
        clockReads.incrementAndGet();
        return clock.nanoTime();
    };
    private ServerSocketChannel listener;
    private SocketChannel peer;
    private SocketChannel served;
    private ChannelIo io;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        peer = SocketChannel.open();
        peer.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER_BYTES);
        peer.connect(listener.getLocalAddress());
        served = listener.accept();
        served.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER_BYTES);
        io = new ChannelIo(served, countedClock);
    }

    @AfterEach
    void close() throws IOException {
        io.close();
        peer.close();
        listener.close();
    }

    /** Starts writing WRITE_BYTES on another thread and returns once that write waits for the peer. */
    private CompletableFuture<Void> writeUntilItWaits() {
        CompletableFuture<Void> written = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                io.writeFully(ByteBuffer.allocate(WRITE_BYTES), TIMEOUT_MS);
                written.complete(null);
            } catch (IOException | RuntimeException e) {
                written.completeExceptionally(e);
            }
        }, "channel-io-test-writer");
        writer.setDaemon(true);
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!waitsForThePeer(writer)) {
            assertTrue(System.nanoTime() - deadline < 0, "the write waits for the peer");
            assertFalse(written.isDone(), "the write cannot finish while the peer reads nothing");
            Thread.onSpinWait();
        }
        return written;
    }

    private static boolean waitsForThePeer(Thread writer) {
        StackTraceElement[] stack = writer.getStackTrace();
        return Arrays.stream(stack).anyMatch(f -> f.getMethodName().equals("awaitWritten"))
                && Arrays.stream(stack).anyMatch(f -> f.getMethodName().startsWith("select"));
    }

    /** Reads what the peer has been sent so far, at most {@code maxBytes}; returns the count. */
    private int peerTakes(int maxBytes) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(maxBytes);
        int n = peer.read(into);
        assertTrue(n > 0, "the peer had bytes waiting");
        return n;
    }

    /** Starts a read with a short real socket timeout and returns once it has waited through a few of them. */
    private CompletableFuture<Integer> readThatWaitsThroughSocketTimeouts(ByteBuffer into) {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(io.read(into, clock.nanoTime(), SHORT_TIMEOUT_MS));
            } catch (IOException | RuntimeException e) {
                read.completeExceptionally(e);
            }
        }, "channel-io-test-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (clockReads.get() < 4) {
            assertTrue(System.nanoTime() - deadline < 0, "the read waits through socket timeouts");
            assertFalse(read.isDone(), "nothing sent and the clock has not moved: still reading, " + read);
            Thread.onSpinWait();
        }
        return read;
    }

    @Test
    void shouldKeepReadingPastTheSocketTimeoutUntilTheEngineClockReachesTheDeadline() throws Exception {
        CompletableFuture<Integer> read = readThatWaitsThroughSocketTimeouts(ByteBuffer.allocate(16));
        assertFalse(read.isDone(), "three socket timeouts of " + SHORT_TIMEOUT_MS + " ms passed, the clock did not");
        clock.advance(Duration.ofMillis(SHORT_TIMEOUT_MS));
        ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SocketTimeoutException.class, e.getCause());
        assertEquals("no data for " + SHORT_TIMEOUT_MS + " ms", e.getCause().getMessage());
    }

    @Test
    void shouldReturnWhatArrivesBeforeTheEngineClockReachesTheDeadline() throws Exception {
        ByteBuffer into = ByteBuffer.allocate(16);
        CompletableFuture<Integer> read = readThatWaitsThroughSocketTimeouts(into);
        clock.advance(Duration.ofMillis(SHORT_TIMEOUT_MS - 1));
        peer.write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        assertEquals(3, read.get(10, TimeUnit.SECONDS));
        assertEquals(3, into.position());
    }

    @Test
    void shouldFailAWriteThatIsNotDoneWhenTheEngineClockPassesTheWriteTimeout() throws Exception {
        CompletableFuture<Void> written = writeUntilItWaits();
        clock.advance(Duration.ofMillis(TIMEOUT_MS));
        peerTakes(BUFFER_BYTES); // the writer wakes, writes a little more and looks at the clock
        ExecutionException e = assertThrows(ExecutionException.class, () -> written.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SocketTimeoutException.class, e.getCause());
        assertEquals("peer took no data for " + TIMEOUT_MS + " ms", e.getCause().getMessage());
    }

    @Test
    void shouldFinishAWriteThePeerTakesBeforeTheWriteTimeout() throws Exception {
        CompletableFuture<Void> written = writeUntilItWaits();
        clock.advance(Duration.ofMillis(TIMEOUT_MS - 1));
        long received = 0;
        ByteBuffer into = ByteBuffer.allocate(64 * 1024);
        while (received < WRITE_BYTES) {
            into.clear();
            int n = peer.read(into);
            assertTrue(n > 0, "the peer reads the rest");
            received += n;
        }
        written.get(10, TimeUnit.SECONDS);
        assertEquals(WRITE_BYTES, received);
    }
}
