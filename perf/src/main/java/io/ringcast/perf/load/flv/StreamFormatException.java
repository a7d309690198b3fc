package io.ringcast.perf.load.flv;

/** The bytes a viewer received break HTTP or FLV framing; the viewer closes its connection with this reason. */
public final class StreamFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamFormatException(String message) {
        super(message);
    }
}
