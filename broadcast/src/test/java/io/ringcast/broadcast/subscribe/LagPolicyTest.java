package io.ringcast.broadcast.subscribe;

import io.ringcast.broadcast.subscribe.LagPolicy.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class LagPolicyTest {
    private static final long MS = 1_000_000;
    private final LagPolicy policy = new LagPolicy(1_000 * MS, 5_000 * MS);

    @Test
    void shouldSendFramesYoungerThanTheSkipLag() {
        assertEquals(Decision.SEND, policy.onFrame(10_000 * MS, 9_500 * MS, true));
    }

    @Test
    void shouldSkipToANewerKeyframeWhenBehind() {
        assertEquals(Decision.SKIP_TO_KEYFRAME, policy.onFrame(10_000 * MS, 8_000 * MS, true));
    }

    @Test
    void shouldSendWhenBehindButNoNewerKeyframeExists() {
        assertEquals(Decision.SEND, policy.onFrame(10_000 * MS, 8_000 * MS, false));
    }

    @Test
    void shouldDisconnectAViewerThatStaysBehindLongerThanTheDisconnectLag() {
        assertEquals(Decision.SKIP_TO_KEYFRAME, policy.onFrame(10_000 * MS, 8_000 * MS, true));
        assertEquals(Decision.SEND, policy.onFrame(14_000 * MS, 12_500 * MS, false));
        assertEquals(Decision.DISCONNECT, policy.onFrame(15_001 * MS, 13_500 * MS, false));
    }

    @Test
    void shouldForgiveAViewerThatCatchesUp() {
        policy.onFrame(10_000 * MS, 8_000 * MS, true);
        assertEquals(Decision.SEND, policy.onFrame(12_000 * MS, 11_900 * MS, false));
        assertEquals(Decision.SKIP_TO_KEYFRAME, policy.onFrame(16_000 * MS, 14_000 * MS, true));
    }

    @Test
    void shouldDisconnectAViewerThatCannotBeWrittenForTheDisconnectLag() {
        assertFalse(policy.onBlocked(0));
        assertFalse(policy.onBlocked(5_000 * MS));
        assertTrue(policy.onBlocked(5_001 * MS));
    }

    @Test
    void shouldRejectADisconnectLagBelowTheSkipLag() {
        assertThrows(IllegalArgumentException.class, () -> new LagPolicy(2_000, 1_000));
    }
}
