package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ringcast.broadcast.stream.StreamEvent.*;
import static io.ringcast.broadcast.stream.StreamState.*;
import static io.ringcast.broadcast.stream.StreamStateMachine.Outcome.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class StreamStateMachineTest {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AUTO_CLOSE_DELAY = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(1_000);

    private StreamStateMachine machine(boolean autoClose) {
        return new StreamStateMachine(clock, PUBLISH_TIMEOUT.toNanos(), AUTO_CLOSE_DELAY.toNanos(), autoClose);
    }

    private StreamStateMachine publishingWithSubscriber(boolean autoClose) {
        StreamStateMachine m = machine(autoClose);
        assertEquals(TRANSITIONED, m.fire(PUBLISH));
        assertEquals(IGNORED, m.fire(SUBSCRIBER_ARRIVED));
        return m;
    }

    @Test
    void shouldStartWaitingForPublisher() {
        assertEquals(WAITING_PUBLISHER, machine(false).state());
    }

    @Test
    void shouldPublishFromWaitingPublisher() {
        StreamStateMachine m = machine(false);
        assertEquals(TRANSITIONED, m.fire(PUBLISH));
        assertEquals(PUBLISHING, m.state());
        assertEquals(Long.MAX_VALUE, m.deadlineNs());
    }

    @Test
    void shouldCloseWaitingPublisherOnClose() {
        StreamStateMachine m = machine(false);
        m.fire(CLOSE);
        assertEquals(CLOSED, m.state());
    }

    @Test
    void shouldCloseWaitingPublisherWhenPublishTimeoutExpires() {
        StreamStateMachine m = machine(false);
        clock.advance(PUBLISH_TIMEOUT.minusMillis(1));
        assertFalse(m.poll(clock.nanoTime()));
        assertEquals(WAITING_PUBLISHER, m.state());
        clock.advance(Duration.ofMillis(1));
        assertTrue(m.poll(clock.nanoTime()));
        assertEquals(CLOSED, m.state());
    }

    @Test
    void shouldCloseWaitingPublisherWhenLastWaitingSubscriberLeaves() {
        StreamStateMachine m = publishingWithSubscriber(false);
        m.fire(PUBLISHER_LEFT);
        assertEquals(WAITING_PUBLISHER, m.state());
        m.fire(LAST_SUBSCRIBER_LEFT);
        assertEquals(CLOSED, m.state());
    }

    @Test
    void shouldWaitForPublisherWhenPublisherDisconnectsAndRearmPublishTimeout() {
        StreamStateMachine m = publishingWithSubscriber(false);
        clock.advance(Duration.ofSeconds(100));
        m.fire(PUBLISHER_LEFT);
        assertEquals(WAITING_PUBLISHER, m.state());
        assertEquals(clock.nanoTime() + PUBLISH_TIMEOUT.toNanos(), m.deadlineNs());
    }

    @Test
    void shouldResumePublishingWhenPublisherReturnsWithinPublishTimeout() {
        StreamStateMachine m = publishingWithSubscriber(false);
        m.fire(PUBLISHER_LEFT);
        clock.advance(PUBLISH_TIMEOUT.minusSeconds(1));
        assertFalse(m.poll(clock.nanoTime()));
        assertEquals(TRANSITIONED, m.fire(PUBLISH));
        assertEquals(PUBLISHING, m.state());
        clock.advance(Duration.ofSeconds(10));
        assertFalse(m.poll(clock.nanoTime()), "no timer runs while publishing");
    }

    @Test
    void shouldWaitToCloseWhenLastSubscriberLeavesAnAutoCloseStream() {
        StreamStateMachine m = publishingWithSubscriber(true);
        m.fire(LAST_SUBSCRIBER_LEFT);
        assertEquals(WAITING_CLOSE, m.state());
        assertEquals(clock.nanoTime() + AUTO_CLOSE_DELAY.toNanos(), m.deadlineNs());
    }

    @Test
    void shouldKeepPublishingWhenLastSubscriberLeavesAStreamWithoutAutoClose() {
        StreamStateMachine m = publishingWithSubscriber(false);
        assertEquals(IGNORED, m.fire(LAST_SUBSCRIBER_LEFT));
        assertEquals(PUBLISHING, m.state());
    }

    @Test
    void shouldClosePublishingOnClose() {
        StreamStateMachine m = publishingWithSubscriber(false);
        m.fire(CLOSE);
        assertEquals(CLOSED, m.state());
    }

    @Test
    void shouldReturnToPublishingWhenSubscriberArrivesWhileWaitingToClose() {
        StreamStateMachine m = publishingWithSubscriber(true);
        m.fire(LAST_SUBSCRIBER_LEFT);
        assertEquals(TRANSITIONED, m.fire(SUBSCRIBER_ARRIVED));
        assertEquals(PUBLISHING, m.state());
        clock.advance(AUTO_CLOSE_DELAY.multipliedBy(2));
        assertFalse(m.poll(clock.nanoTime()), "the auto-close timer is cancelled");
    }

    @Test
    void shouldCloseWaitingCloseOnCloseTimeoutAndPublisherDisconnect() {
        for (StreamEvent event : List.of(CLOSE, PUBLISHER_LEFT)) {
            StreamStateMachine m = publishingWithSubscriber(true);
            m.fire(LAST_SUBSCRIBER_LEFT);
            m.fire(event);
            assertEquals(CLOSED, m.state(), event.name());
        }
        StreamStateMachine m = publishingWithSubscriber(true);
        m.fire(LAST_SUBSCRIBER_LEFT);
        clock.advance(AUTO_CLOSE_DELAY.minusMillis(1));
        assertFalse(m.poll(clock.nanoTime()));
        clock.advance(Duration.ofMillis(1));
        assertTrue(m.poll(clock.nanoTime()));
        assertEquals(CLOSED, m.state());
    }

    @Test
    void shouldCountIllegalEventsAndStayPut() {
        StreamStateMachine m = publishingWithSubscriber(false);
        assertEquals(ILLEGAL, m.fire(PUBLISH));
        assertEquals(PUBLISHING, m.state());
        m.fire(CLOSE);
        assertEquals(ILLEGAL, m.fire(PUBLISH));
        assertEquals(ILLEGAL, m.fire(SUBSCRIBER_ARRIVED));
        assertEquals(CLOSED, m.state());
        assertEquals(3, m.illegalEvents());
    }

    @Test
    void shouldMatchTheGoEngineDiagramExactly() {
        // Every (state, event) pair: the table's target, or null for no transition. Written from the diagram.
        StreamState[][] expected = {
            // PUBLISH, PUBLISHER_LEFT, SUBSCRIBER_ARRIVED, LAST_SUBSCRIBER_LEFT, CLOSE, TIMEOUT
            {PUBLISHING, null, null, CLOSED, CLOSED, CLOSED},                   // WAITING_PUBLISHER
            {null, WAITING_PUBLISHER, null, WAITING_CLOSE, CLOSED, null},       // PUBLISHING
            {null, CLOSED, PUBLISHING, null, CLOSED, CLOSED},                   // WAITING_CLOSE
            {null, null, null, null, null, null},                               // CLOSED
        };
        List<String> mismatches = new ArrayList<>();
        for (StreamState from : StreamState.values()) {
            for (StreamEvent event : StreamEvent.values()) {
                StreamState want = expected[from.ordinal()][event.ordinal()];
                StreamState got = StreamTransitions.target(from, event);
                if (want != got) {
                    mismatches.add(from + " --" + event + "--> " + got + " (diagram: " + want + ")");
                }
            }
        }
        assertEquals(List.of(), mismatches);
    }
}
