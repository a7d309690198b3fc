package io.ringcast.ingest;

/**
 * The server refused the connection on purpose (a connection limit) and has told the peer why, with
 * {@code _error NetConnection.Connect.Rejected}; thrown on the connection's thread, which then flushes that answer
 * and closes. Not a protocol violation: it is counted at accept, where the limit was hit.
 */
public final class RtmpConnectRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RtmpConnectRefusedException(String reason) {
        super(reason);
    }
}
