package io.ringcast.broadcast.stream;

/**
 * A publisher the {@link PublishGate} refused: the name is live on another node, or this node takes no publishes.
 * The message is the description the client gets (RTMP: NetStream.Publish.BadName).
 */
public final class PublishDeniedException extends RuntimeException {
    public PublishDeniedException(String message) {
        super(message, null, false, false);
    }
}
