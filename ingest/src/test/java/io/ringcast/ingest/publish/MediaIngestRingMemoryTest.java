package io.ringcast.ingest.publish;

import io.ringcast.broadcast.DirectMemoryBudget;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.RingMemoryPool;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.command.PublishTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A publisher whose stream's ring gets no direct memory at its first frame: a clear end, not a dead thread. */
@Timeout(10)
class MediaIngestRingMemoryTest {
    private static final int VIDEO_CSID = 6;
    private static final long BUDGET_BYTES = 1L << 30;

    @Test
    void shouldDropTheMediaAndCloseTheConnectionWithTheReasonWhenTheRingGetsNoMemory() {
        RingMemoryPool failing = new RingMemoryPool(capacity -> {
            throw new OutOfMemoryError("Cannot reserve " + capacity + " bytes of direct buffer memory");
        });
        StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS,
                new LimitsConfig(10, 100, BUDGET_BYTES, 5_000), new DirectMemoryBudget(BUDGET_BYTES), failing,
                new ManualClock(0));
        List<String> closes = new ArrayList<>();
        MediaIngest ingest = new MediaIngest(registry, () -> PublishAuthorizer.OPEN, "encoder", StaleTakeover.NEVER,
                closes::add, Clock.systemUTC());
        assertEquals(PublishTarget.Result.STARTED, ingest.startPublish("live", "x", 1));
        MessageHeader header = new MessageHeader().set(VIDEO_CSID, 0, 10, MessageTypeIds.VIDEO, 1);

        assertFalse(ingest.onMediaStart(header, new PayloadTarget()), "the message is skipped");
        assertFalse(ingest.onMediaStart(header, new PayloadTarget()), "and every later one");
        assertEquals(1, closes.size(), "the connection is closed once: " + closes);
        assertTrue(closes.get(0).startsWith("live/x cannot take media: the JVM has no direct memory left for a ring"),
                closes.get(0));
        Stream stream = registry.find(StreamPath.parse("live/x"));
        assertEquals(-1, stream.track(TrackKind.VIDEO).cursor());
        assertEquals(1, registry.publishersRefusedDirectMemory());

        ingest.stopPublish();
        assertNull(stream.publisher(), "the session ended as for any disconnect");
    }
}
