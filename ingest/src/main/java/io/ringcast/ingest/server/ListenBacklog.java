package io.ringcast.ingest.server;

/** The accept backlog of the server's listening sockets: RTMP, and HTTP when standalone. */
public final class ListenBacklog {
    /**
     * As many pending connections as the kernel allows; Linux caps the request at {@code net.core.somaxconn} (4096
     * since 5.4). When the queue is full the kernel drops further SYNs, and the clients behind them wait a second
     * or more for a retransmission: a room's players joining at once, or one client connecting faster than the
     * acceptor takes connections, must not cost everyone else that second.
     */
    public static final int CONNECTIONS = 65_535;

    private ListenBacklog() {
    }
}
