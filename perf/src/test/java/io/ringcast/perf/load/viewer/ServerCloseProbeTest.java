package io.ringcast.perf.load.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.collections.Int2IntHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ServerCloseProbeTest {
    /** /proc/net/tcp6 with a server on port 18400 (0x47E0) and viewers on 0x810E, 0x9C48, 0x9C60, 0xA160. */
    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr
               0: 0000000000000000FFFF00000100007F:47E0 00000000000000000000000000000000:0000 0A 00000000:00000000 00
               1: 0000000000000000FFFF00000100007F:810E 0000000000000000FFFF00000100007F:47E0 01 00000000:0000125E 00
               2: 0000000000000000FFFF00000100007F:47E0 0000000000000000FFFF00000100007F:810E 04 002B2A40:00000000 01
               3: 0000000000000000FFFF00000100007F:9C48 0000000000000000FFFF00000100007F:47E0 01 00000000:0000125E 00
               4: 0000000000000000FFFF00000100007F:47E0 0000000000000000FFFF00000100007F:9C48 01 002AD000:00000000 01
               5: 0000000000000000FFFF00000100007F:9C60 0000000000000000FFFF00000100007F:47E0 08 00000000:00000000 00
               6: 0000000000000000FFFF00000100007F:A160 0000000000000000FFFF00000100007F:4BC8 01 00000000:000012B8 00
            """;

    @Test
    void shouldSeeTheServersEndLeaveEstablished() {
        Int2IntHashMap states = new Int2IntHashMap(-1);
        ServerCloseProbe.parse(TCP6, states);

        assertEquals(7, states.size());
        assertTrue(ServerCloseProbe.isClosedByServer(states, 0x810E, 18400), "server end in FIN_WAIT1");
        assertFalse(ServerCloseProbe.isClosedByServer(states, 0x9C48, 18400), "both ends established");
        assertTrue(ServerCloseProbe.isClosedByServer(states, 0x9C60, 18400), "our end got the FIN: CLOSE_WAIT");
        assertFalse(ServerCloseProbe.isClosedByServer(states, 0xA160, 0x4BC8),
                "the server's end is not in our tables (another namespace): unknown, so open");
        assertTrue(ServerCloseProbe.isClosedByServer(states, 0xB000, 18400), "our end is gone: reset");
    }
}
