package io.ringcast.web;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static io.ringcast.web.ConnectionAdmission.Verdict.ADMITTED;
import static io.ringcast.web.ConnectionAdmission.Verdict.OVER_PER_ADDRESS;
import static io.ringcast.web.ConnectionAdmission.Verdict.OVER_TOTAL;
import static org.junit.jupiter.api.Assertions.*;

class ConnectionAdmissionTest {
    private static final InetAddress A = address("10.0.0.1");
    private static final InetAddress B = address("10.0.0.2");
    private static final InetAddress C = address("10.0.0.3");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldRefuseAnAddressAtItsLimitWhileOthersAreAdmitted() {
        ConnectionAdmission admission = new ConnectionAdmission(10, 2);
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(OVER_PER_ADDRESS, admission.admit(A));
        assertEquals(ADMITTED, admission.admit(B));
        assertEquals(3, admission.openTotal(), "a refusal is not counted as open");
        admission.release(A);
        assertEquals(ADMITTED, admission.admit(A), "a released slot is free again");
    }

    @Test
    void shouldRefuseEveryoneAtTheTotalLimit() {
        ConnectionAdmission admission = new ConnectionAdmission(3, 2);
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(ADMITTED, admission.admit(B));
        assertEquals(ADMITTED, admission.admit(C));
        assertEquals(OVER_TOTAL, admission.admit(address("10.0.0.4")));
        assertEquals(OVER_TOTAL, admission.admit(A), "the total bars every address");
        admission.release(B);
        assertEquals(ADMITTED, admission.admit(address("10.0.0.4")));
    }

    @Test
    void shouldKeepNoEntryForAnAddressWhoseConnectionsAllClosed() {
        ConnectionAdmission admission = new ConnectionAdmission(1_000, 1_000);
        for (int i = 0; i < 500; i++) {
            InetAddress each = address("10.1." + (i / 256) + "." + (i % 256));
            assertEquals(ADMITTED, admission.admit(each));
            admission.release(each);
        }
        assertEquals(0, admission.openTotal());
        assertEquals(0, admission.addressesWithConnections(), "memory does not grow with addresses seen");
    }

    @Test
    void shouldFailLoudlyOnAReleaseWithoutAdmission() {
        ConnectionAdmission admission = new ConnectionAdmission(1, 1);
        assertThrows(IllegalStateException.class, () -> admission.release(A));
    }

    @Test
    void shouldRejectNonPositiveLimitsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConnectionAdmission(0, 5));
        assertTrue(e.getMessage().contains("max_connections=0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ConnectionAdmission(5, -1));
        assertTrue(e.getMessage().contains("max_connections_per_ip=-1"), e.getMessage());
    }

    @Test
    void shouldAdmitOneAddressUpToTheTotalWhenThePerAddressCapIsZero() {
        ConnectionAdmission admission = new ConnectionAdmission(3, 0);
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(ADMITTED, admission.admit(A));
        assertEquals(OVER_TOTAL, admission.admit(A), "0 is no cap per address; the total still holds");
    }
}
