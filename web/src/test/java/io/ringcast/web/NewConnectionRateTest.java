package io.ringcast.web;

import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NewConnectionRateTest {
    private static final InetAddress NAT = address("192.0.2.1");
    private static final InetAddress OTHER = address("192.0.2.2");

    private final ManualClock clock = new ManualClock(1_000_000_000L);

    @Test
    void shouldLetAWholeBurstInAtOnceThenRefuse() {
        NewConnectionRate rate = new NewConnectionRate(100, 1_000, 16, clock);
        assertEquals(1_000, admitted(rate, NAT, 5_000), "an audience of 1,000 behind one NAT joins at once");
        assertFalse(rate.tryAcquire(NAT));
        assertTrue(rate.tryAcquire(OTHER), "another address has its own bucket");
    }

    @Test
    void shouldRefillAtTheRateAndNeverAboveTheBurst() {
        NewConnectionRate rate = new NewConnectionRate(100, 10, 16, clock);
        assertEquals(10, admitted(rate, NAT, 100));
        clock.advance(Duration.ofMillis(50));
        assertEquals(5, admitted(rate, NAT, 100), "100 a second: 5 in 50 ms");
        clock.advance(Duration.ofSeconds(60));
        assertEquals(10, admitted(rate, NAT, 100), "a long pause refills the bucket, not beyond it");
    }

    @Test
    void shouldHoldAConnectAndCloseLoopToTheRate() {
        NewConnectionRate rate = new NewConnectionRate(100, 1_000, 16, clock);
        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms++) { // 10 s of a script trying 5 connections every millisecond
            admitted += admitted(rate, NAT, 5);
            clock.advance(Duration.ofMillis(1));
        }
        assertEquals(1_000 + 100 * 10, admitted, 1, "the burst, then 100 a second: " + admitted);
    }

    @Test
    void shouldRememberABoundedNumberOfAddresses() throws UnknownHostException {
        NewConnectionRate rate = new NewConnectionRate(1, 1, 100, clock);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(rate.tryAcquire(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})));
        }
        assertEquals(100, rate.addressesRemembered());
    }

    @Test
    void shouldRejectNonPositiveSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NewConnectionRate(0, 10, 16, clock));
        assertTrue(e.getMessage().contains("per second=0"), e.getMessage());
    }

    private static int admitted(NewConnectionRate rate, InetAddress address, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (rate.tryAcquire(address)) {
                n++;
            }
        }
        return n;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
