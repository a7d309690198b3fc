package io.ringcast.ingest.publish;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.auth.PublishAuthorizer;
import io.ringcast.broadcast.stream.SourceRole;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamRegistry;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.command.PublishTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.*;

/** A publishing connection's media when its stream gets a backup source. */
@Timeout(10)
class MediaIngestBackupTest {
    private static final int VIDEO_CSID = 6;
    /** An AVC keyframe (frame type 1, codec 7, NALU packet) with a few bytes of data. */
    private static final byte[] KEYFRAME = {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65};

    private final ManualClock clock = new ManualClock(0);
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock);

    private MediaIngest ingest(String remote) {
        return new MediaIngest(registry, () -> PublishAuthorizer.OPEN, remote, StaleTakeover.NEVER, null,
                Clock.systemUTC());
    }

    private static void complete(MediaIngest ingest, MessageHeader header, PayloadTarget target) {
        target.buffer().putBytes(target.offset(), KEYFRAME);
        ingest.onMedia(header, target.buffer(), target.offset(), KEYFRAME.length);
    }

    @Test
    void shouldWriteInPlaceUntilTheBackupArrivesThenStageOnceItsMessageInProgressIsPublished() {
        MediaIngest primary = ingest("primary");
        assertEquals(PublishTarget.Result.STARTED, primary.startPublish("live", "x", 1));
        Stream stream = registry.find(StreamPath.parse("live/x"));
        TrackRing ring = stream.track(TrackKind.VIDEO);
        MessageHeader header = new MessageHeader().set(VIDEO_CSID, 0, KEYFRAME.length, MessageTypeIds.VIDEO, 1);
        PayloadTarget target = new PayloadTarget();
        assertTrue(primary.onMediaStart(header, target));
        assertSame(ring.payloadBuffer(), target.buffer(), "no backup: zero copy into the ring");

        MediaIngest backup = ingest("backup");
        assertEquals(PublishTarget.Result.STARTED, backup.startPublish("live", "x", 1, SourceRole.BACKUP));
        assertEquals(PublishTarget.Result.BAD_NAME, ingest("second").startPublish("live", "x", 1, SourceRole.BACKUP),
                "one backup per stream");
        assertTrue(stream.publisher().needsSwitchAcknowledged(), "a message is still being written in place");

        complete(primary, header, target);
        assertEquals(0, ring.cursor(), "the in-place message is published");
        assertFalse(stream.publisher().needsSwitchAcknowledged(), "handed over once nothing is in place");

        target.reset();
        assertTrue(primary.onMediaStart(header.set(VIDEO_CSID, 40, KEYFRAME.length, MessageTypeIds.VIDEO, 1),
                target));
        assertNotSame(ring.payloadBuffer(), target.buffer(), "staged in the connection's own buffer");
        complete(primary, header, target);
        assertEquals(1, ring.cursor(), "the active primary's staged frame is copied in");
        assertEquals(40, ring.slot(1).timestampMs());

        PayloadTarget backupTarget = new PayloadTarget();
        MessageHeader backupHeader = new MessageHeader().set(VIDEO_CSID, 500, KEYFRAME.length, MessageTypeIds.VIDEO,
                1);
        assertTrue(backup.onMediaStart(backupHeader, backupTarget));
        assertNotSame(ring.payloadBuffer(), backupTarget.buffer(), "a standby never reserves ring space");
        complete(backup, backupHeader, backupTarget);
        assertEquals(1, ring.cursor(), "the standby wrote nothing");
        assertEquals(SourceRole.PRIMARY, stream.sources().active());
    }
}
