package io.ringcast.ingest.relay;

/**
 * A relay request refused, with the HTTP status the web API answers: 400 a malformed URL or missing parameter,
 * 403 a host, origin or port not allowed, 404 no such relay, 409 a loop back to this server's own stream or a
 * relay that already exists, 503 a relay limit reached.
 */
public final class RelayRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public RelayRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
