package io.ringcast.broadcast.stream;

/**
 * An on-demand source cannot tell now whether it could deliver a path (its directory is down): the viewer is
 * refused with the reason (HTTP 503, RTMP NetStream.Play.Failed), at once rather than after a wait.
 */
public class SourceUnavailableException extends RuntimeException {
    public SourceUnavailableException(String reason) {
        super(reason, null, false, false);
    }
}
