package io.ringcast.ingest.chunk;

import io.ringcast.ingest.RtmpProtocolException;

/**
 * A peer's partial messages would need more buffer than its connection's budget, or than is left of the
 * server-wide {@link PartialMessageBudget}; thrown by {@link ChunkDecoder#decode}. The connection is closed like
 * for any protocol violation, and counted under its own reason.
 */
public final class PartialMessageBudgetException extends RtmpProtocolException {
    private static final long serialVersionUID = 1L;

    private final boolean serverWide;

    PartialMessageBudgetException(final boolean serverWide, final String detail) {
        super(serverWide ? "partial messages above the server's budget" :
            "partial messages above the connection's budget", detail);
        this.serverWide = serverWide;
    }

    /**
     * @return true if the server-wide budget ran out, false if the connection's own did.
     */
    public boolean serverWide() {
        return serverWide;
    }
}
