package io.ringcast.ingest;

/**
 * The server refused the connection on purpose and has told the peer why: a connection limit, with {@code _error
 * NetConnection.Connect.Rejected}, or a play whose on-demand source cannot tell now (the cluster's directory is
 * down), with {@code NetStream.Play.Failed}. Thrown on the connection's thread (its ingest thread or player loop),
 * which then flushes that answer and closes. Not a protocol violation: a limit is counted at accept, where it was hit.
 */
public final class RtmpConnectRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RtmpConnectRefusedException(String reason) {
        super(reason);
    }
}
