package io.ringcast.broadcast.stream;

import java.util.EnumMap;
import java.util.Map;

import static io.ringcast.broadcast.stream.StreamEvent.*;
import static io.ringcast.broadcast.stream.StreamState.*;

/**
 * The one transition table of the stream lifecycle (the Go engine's diagram). An event absent from a state's row is
 * illegal there; {@link #IGNORED} events are legal but change nothing.
 *
 * <pre>
 * WAITING_PUBLISHER -> PUBLISHING        : publish
 * WAITING_PUBLISHER -> CLOSED            : close | timeout | last subscriber leaves
 * PUBLISHING        -> WAITING_PUBLISHER : publisher disconnects
 * PUBLISHING        -> WAITING_CLOSE     : last subscriber leaves (auto-close streams only)
 * PUBLISHING        -> CLOSED            : close
 * WAITING_CLOSE     -> PUBLISHING        : first subscriber arrives
 * WAITING_CLOSE     -> CLOSED            : close | timeout | publisher disconnects
 * </pre>
 */
public final class StreamTransitions {
    /** Legal events that leave the state unchanged. */
    public static final Map<StreamState, java.util.Set<StreamEvent>> IGNORED = new EnumMap<>(Map.of(
            WAITING_PUBLISHER, java.util.EnumSet.of(SUBSCRIBER_ARRIVED),
            PUBLISHING, java.util.EnumSet.of(SUBSCRIBER_ARRIVED, TIMEOUT),
            WAITING_CLOSE, java.util.EnumSet.noneOf(StreamEvent.class),
            CLOSED, java.util.EnumSet.of(CLOSE, TIMEOUT, LAST_SUBSCRIBER_LEFT, PUBLISHER_LEFT)));

    private static final Map<StreamState, Map<StreamEvent, StreamState>> TABLE = new EnumMap<>(Map.of(
            WAITING_PUBLISHER, row(Map.of(
                    PUBLISH, PUBLISHING,
                    CLOSE, CLOSED,
                    TIMEOUT, CLOSED,
                    LAST_SUBSCRIBER_LEFT, CLOSED)),
            PUBLISHING, row(Map.of(
                    PUBLISHER_LEFT, WAITING_PUBLISHER,
                    LAST_SUBSCRIBER_LEFT, WAITING_CLOSE,
                    CLOSE, CLOSED)),
            WAITING_CLOSE, row(Map.of(
                    SUBSCRIBER_ARRIVED, PUBLISHING,
                    CLOSE, CLOSED,
                    TIMEOUT, CLOSED,
                    PUBLISHER_LEFT, CLOSED)),
            CLOSED, row(Map.of())));

    private StreamTransitions() {
    }

    private static Map<StreamEvent, StreamState> row(Map<StreamEvent, StreamState> entries) {
        Map<StreamEvent, StreamState> row = new EnumMap<>(StreamEvent.class);
        row.putAll(entries);
        return row;
    }

    /** Target state of {@code event} in {@code from}, or null if the table has no such transition. */
    public static StreamState target(StreamState from, StreamEvent event) {
        return TABLE.get(from).get(event);
    }

    /** Whether the event is legal in the state but changes nothing. */
    public static boolean isIgnored(StreamState from, StreamEvent event) {
        return IGNORED.get(from).contains(event);
    }
}
