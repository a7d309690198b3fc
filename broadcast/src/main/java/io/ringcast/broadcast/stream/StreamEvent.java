package io.ringcast.broadcast.stream;

/** What can happen to a stream; inputs of {@link StreamStateMachine}. */
public enum StreamEvent {
    PUBLISH,
    PUBLISHER_LEFT,
    SUBSCRIBER_ARRIVED,
    LAST_SUBSCRIBER_LEFT,
    CLOSE,
    TIMEOUT
}
