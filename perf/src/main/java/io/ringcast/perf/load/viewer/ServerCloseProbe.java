package io.ringcast.perf.load.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.agrona.collections.Int2IntHashMap;

/**
 * Tells when the server closed a viewer that does not read (stalled, or trickling far behind), from the kernel's
 * socket tables (Linux {@code /proc/net/tcp} and {@code tcp6}); used by the coordinating thread about once a second.
 * <p>
 * Such a viewer cannot see the server's FIN: it waits behind the data queued for the closed receive window. But on
 * loopback both ends are in our tables, and the server's end leaves ESTABLISHED (FIN_WAIT1 with unsent data) the
 * moment the server closes it; our end reaches CLOSE_WAIT once the FIN arrived, and vanishes on a reset. Rows are
 * matched by port pair. Where the tables are unreadable or hold only our end (another network namespace), a viewer
 * counts as closed only once it reads the end of its stream.
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue ...
 *    0: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 ...   (hex address:port, st 01 = ESTABLISHED)
 * </pre>
 */
public final class ServerCloseProbe {
    static final int ESTABLISHED = 0x01;
    static final int CLOSE_WAIT = 0x08;

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final int LOCAL_ADDRESS_FIELD = 1;
    private static final int REMOTE_ADDRESS_FIELD = 2;
    private static final int STATE_FIELD = 3;
    private static final int HEX_RADIX = 16;
    private static final int PORT_BITS = 16;
    private static final int MISSING = -1;

    private final Int2IntHashMap states = new Int2IntHashMap(MISSING);

    /** Whether this system has the tables. */
    public static boolean isAvailable() {
        return Files.isReadable(TABLES.get(0));
    }

    /** Reads the tables and marks the connections whose server end was seen closing. */
    public void probe(List<ViewerConnection> connections, long nowNs) {
        states.clear();
        for (Path table : TABLES) {
            try {
                parse(Files.readString(table), states);
            } catch (IOException e) {
                // No IPv6 table (or none at all): those sockets stay unknown, as documented.
            }
        }
        if (states.isEmpty()) {
            return;
        }
        for (ViewerConnection connection : connections) {
            int localPort = connection.localPort();
            if (localPort == 0 || connection.isEnded()) {
                continue;
            }
            if (isClosedByServer(states, localPort, connection.serverPort())) {
                connection.serverClosedAt(nowNs);
            }
        }
    }

    /** Whether the socket tables show the server's end of our connection from {@code localPort} closing. */
    static boolean isClosedByServer(Int2IntHashMap states, int localPort, int serverPort) {
        int ours = states.get(pair(localPort, serverPort));
        int servers = states.get(pair(serverPort, localPort));
        return ours == MISSING || ours == CLOSE_WAIT || (servers != MISSING && servers != ESTABLISHED);
    }

    /** Adds each row of a {@code /proc/net/tcp} table as (local port, remote port) to state. */
    static void parse(String table, Int2IntHashMap states) {
        String[] lines = table.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length <= STATE_FIELD) {
                continue;
            }
            int local = port(fields[LOCAL_ADDRESS_FIELD]);
            int remote = port(fields[REMOTE_ADDRESS_FIELD]);
            if (local >= 0 && remote >= 0) {
                states.put(pair(local, remote), Integer.parseInt(fields[STATE_FIELD], HEX_RADIX));
            }
        }
    }

    private static int port(String addressAndPort) {
        int colon = addressAndPort.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(addressAndPort.substring(colon + 1), HEX_RADIX);
    }

    private static int pair(int localPort, int remotePort) {
        return localPort << PORT_BITS | remotePort;
    }
}
