package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.DirectMemoryBudget;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitExceededException;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry asks the {@link PublishGate} before every publish and releases each admission exactly once: when the
 * publish did not start, or when its session ended; on-demand streams never pass through it.
 */
@Timeout(10)
class PublishGateTest {
    private static final StreamPath X = StreamPath.parse("live/x");
    private static final RingConfig SMALL = new RingConfig(64, 64, 64 << 10, 16 << 10, false, 1_000, 5_000);

    private final PublisherInfo info = new PublisherInfo("test", "127.0.0.1:1", 0);
    private final List<String> events = new ArrayList<>();
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, SMALL,
            new LimitsConfig(1, 100, 1L << 30, 3_000), new DirectMemoryBudget(1L << 30), new ManualClock(0));

    /** Records admissions and releases; refuses paths named "taken". */
    private final PublishGate recording = new PublishGate() {
        @Override
        public void admit(StreamPath path) {
            events.add("admit " + path);
            if (path.name().equals("taken")) {
                throw new PublishDeniedException(path + " is live on node o9");
            }
        }

        @Override
        public void release(StreamPath path) {
            events.add("release " + path);
        }
    };

    @Test
    void shouldReleaseTheAdmissionWhenTheSessionEndsOnce() {
        registry.setPublishGate(recording);
        StreamPublisher session = registry.publish(X, info, false);
        assertNotNull(session);
        assertEquals(List.of("admit live/x"), events);
        session.close();
        session.close();
        assertEquals(List.of("admit live/x", "release live/x"), events, "released once, when the publisher left");
        assertEquals(StreamState.WAITING_PUBLISHER, registry.find(X).state());
    }

    @Test
    void shouldReleaseAnAdmissionWhosePublishDidNotStart() {
        registry.setPublishGate(recording);
        StreamPublisher first = registry.publish(X, info, false);
        assertNull(registry.publish(X, info, false), "the stream already has a publisher here");
        assertThrows(LimitExceededException.class, () -> registry.publish(StreamPath.parse("live/y"), info, false));
        assertEquals(List.of("admit live/x", "admit live/x", "release live/x", "admit live/y", "release live/y"),
                events);
        first.close();
        assertEquals("release live/x", events.get(events.size() - 1));
    }

    @Test
    void shouldRefuseWithTheGatesReasonAndCreateNoStream() {
        registry.setPublishGate(recording);
        PublishDeniedException denied = assertThrows(PublishDeniedException.class,
                () -> registry.publish(StreamPath.parse("live/taken"), info, false));
        assertEquals("live/taken is live on node o9", denied.getMessage());
        assertEquals(0, registry.size());
        assertEquals(List.of("admit live/taken"), events, "a refused publish is not released");
    }

    @Test
    void shouldAdmitABackupPublisherLikeAPrimaryAndReleaseEachOnce() {
        registry.setPublishGate(recording);
        StreamPublisher primary = registry.publish(X, info, false);
        StreamPublisher backup = registry.publishBackup(X, info, false);
        assertNotNull(backup);
        assertThrows(PublishDeniedException.class,
                () -> registry.publishBackup(StreamPath.parse("live/taken"), info, false),
                "a backup must publish on the node that holds the stream");
        backup.close();
        primary.close();
        assertEquals(List.of("admit live/x", "admit live/x", "admit live/taken", "release live/x", "release live/x"),
                events);
    }

    @Test
    void shouldNotAskTheGateForOnDemandStreamsNorAfterItWasCleared() {
        registry.setPublishGate(recording);
        Stream demanded = registry.demand(X, new OnDemandSource() {
            @Override
            public boolean supplies(StreamPath path) {
                return true;
            }

            @Override
            public void start(Stream stream) {
            }
        });
        assertNotNull(demanded.publish(info));
        assertTrue(events.isEmpty(), "on demand: " + events);
        demanded.close();

        registry.clearPublishGate(recording);
        registry.publish(StreamPath.parse("live/z"), info, false).close();
        assertTrue(events.isEmpty(), "gate cleared: " + events);
    }
}
