package io.ringcast.broadcast.stream;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.time.ManualClock;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The switch between a stream's primary and backup source, on a manual clock: when, and what viewers get. */
@Timeout(10)
class SourceSwitchTest {
    private static final byte[] PRIMARY_SPS = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f};
    private static final byte[] BACKUP_SPS = {0x17, 0, 0, 0, 0, 1, 0x42, 0, 0x1e};
    private static final byte[] PRIMARY_AAC = {(byte) 0xaf, 0, 0x12, 0x10};
    private static final byte[] BACKUP_AAC = {(byte) 0xaf, 0, 0x11, (byte) 0x90};
    private static final byte[] PRIMARY_METADATA = {2, 0, 1, 'p'};
    private static final byte[] BACKUP_METADATA = {2, 0, 1, 'b'};

    private final ManualClock clock = new ManualClock(1_000_000_000L);
    private final StreamRegistry registry = new StreamRegistry(EngineConfig.DEFAULTS, RingConfig.DEFAULTS, clock);
    private final StreamPath path = StreamPath.parse("live/x");
    private final PublisherInfo info = new PublisherInfo("test", "127.0.0.1:1", 0);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
    private TrackRing video;
    private TrackRing audio;

    @BeforeEach
    void configure() {
        registry.configureBackup(new BackupConfig(1_000));
    }

    /** A primary and a backup that each sent metadata and sequence headers; the primary sent its first keyframe. */
    private StreamPublisher[] primaryLiveWithBackup() {
        StreamPublisher primary = registry.publish(path, info, false);
        StreamPublisher backup = registry.publishBackup(path, info, false);
        assertNotNull(backup);
        primary.acknowledgeSwitch();
        start(primary, PRIMARY_METADATA, PRIMARY_SPS, PRIMARY_AAC, 0);
        start(backup, BACKUP_METADATA, BACKUP_SPS, BACKUP_AAC, 90_000);
        assertTrue(offer(primary, TrackKind.VIDEO, 0, true));
        return new StreamPublisher[]{primary, backup};
    }

    private void start(StreamPublisher source, byte[] metadata, byte[] sps, byte[] aac, long rawTs) {
        Stream stream = registry.find(path);
        video = stream.track(TrackKind.VIDEO);
        audio = stream.track(TrackKind.AUDIO);
        source.updateMetadata(metadata);
        source.updateFormat(new TrackFormat(Codec.AVC, sps, 5, 0, 0, 0, 0));
        sequenceHeader(source, TrackKind.VIDEO, sps, rawTs);
        source.updateFormat(new TrackFormat(Codec.AAC, aac, 2, 0, 0, 0, 0));
        sequenceHeader(source, TrackKind.AUDIO, aac, rawTs);
    }

    private void sequenceHeader(StreamPublisher source, TrackKind kind, byte[] bytes, long rawTs) {
        source.offer(kind, new UnsafeBuffer(bytes), 0, bytes.length, kind == TrackKind.VIDEO ? 5 : 2,
                kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC, kind == TrackKind.VIDEO, true, rawTs, 0,
                clock.nanoTime());
    }

    private boolean offer(StreamPublisher source, TrackKind kind, long rawTs, boolean keyframe) {
        return source.offer(kind, frame, 0, 20, kind == TrackKind.VIDEO ? 5 : 2,
                kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC, keyframe, false, rawTs, 0, clock.nanoTime());
    }

    private void advanceMs(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    /** Every frame of both rings in publish order, as "V|A key/seq ts session". */
    private List<FrameEvent> framesInOrder() {
        List<FrameEvent> all = new ArrayList<>();
        for (TrackRing ring : new TrackRing[]{video, audio}) {
            for (long s = 0; s <= ring.cursor(); s++) {
                FrameEvent copy = new FrameEvent();
                copy.copyFrom(ring.slot(s));
                all.add(copy);
            }
        }
        all.sort((a, b) -> Long.compare(a.order(), b.order()));
        return all;
    }

    @Test
    void shouldKeepTheBackupOnStandbyWhileThePrimaryDelivers() {
        StreamPublisher[] sources = primaryLiveWithBackup();
        long videoBefore = video.cursor();
        long audioBefore = audio.cursor();
        for (int i = 1; i <= 30; i++) {
            advanceMs(100);
            assertTrue(offer(sources[0], TrackKind.VIDEO, i * 100L, i % 10 == 0));
            assertFalse(offer(sources[1], TrackKind.VIDEO, 90_000 + i * 100L, true), "standby at " + i);
            assertFalse(offer(sources[1], TrackKind.AUDIO, 90_000 + i * 100L, false));
        }
        assertEquals(videoBefore + 30, video.cursor(), "only the primary's frames reach the ring");
        assertEquals(audioBefore, audio.cursor(), "the backup's audio does not either");
        Stream stream = registry.find(path);
        assertArrayEquals(PRIMARY_METADATA, stream.metadata());
        assertArrayEquals(PRIMARY_SPS, video.format().sequenceHeader(), "joiners get the primary's configuration");
        assertEquals(SourceRole.PRIMARY, stream.sources().active());
        assertEquals(0, stream.sources().switchesToBackup());
        assertTrue(sources[0].isActive());
        assertFalse(sources[1].isActive());
    }

    @Test
    void shouldSwitchToTheBackupAtItsFirstKeyframeAfterThePrimaryWasSilentForSwitchAfter() {
        StreamPublisher[] sources = primaryLiveWithBackup();
        StreamPublisher backup = sources[1];
        assertTrue(offer(sources[0], TrackKind.VIDEO, 40, false));
        long silentSinceMs = 40;
        advanceMs(999);
        assertFalse(offer(backup, TrackKind.VIDEO, 91_000, true), "999 ms of silence: not yet");
        advanceMs(1);
        assertFalse(offer(backup, TrackKind.VIDEO, 91_040, false), "1000 ms, but not a keyframe");
        assertFalse(offer(backup, TrackKind.AUDIO, 91_041, false), "nor audio");
        long lastBefore = registry.find(path).lastTimestampMs();
        int sessionBefore = video.slot(video.cursor()).session();
        long videoBefore = video.cursor();
        assertEquals(silentSinceMs, lastBefore);

        assertTrue(offer(backup, TrackKind.VIDEO, 91_080, true), "switches at the backup's keyframe");
        assertFalse(offer(backup, TrackKind.AUDIO, 91_070, false), "audio older than the switch point is dropped");
        assertTrue(offer(backup, TrackKind.AUDIO, 91_090, false), "and its audio follows");

        List<FrameEvent> frames = framesInOrder();
        List<FrameEvent> after = frames.subList(frames.size() - 4, frames.size());
        assertTrue(after.get(0).isSequenceHeader() && after.get(0).codec() == Codec.AVC, "video header first");
        assertTrue(after.get(1).isSequenceHeader() && after.get(1).codec() == Codec.AAC, "then audio header");
        assertTrue(after.get(2).isKeyframe() && !after.get(2).isSequenceHeader(), "then the keyframe");
        for (FrameEvent f : after) {
            assertNotEquals(sessionBefore, f.session(), "a new session: HLS marks one discontinuity");
            assertEquals(after.get(0).session(), f.session());
            assertTrue(f.timestampMs() > lastBefore, "rebased after the primary's last frame: " + f.timestampMs());
        }
        assertEquals(lastBefore + 40, after.get(2).timestampMs(),
                "the keyframe continues the timeline one of the backup's frame intervals (40 ms) later");
        assertEquals(lastBefore + 50, after.get(3).timestampMs(), "audio in step with it");
        assertEquals(videoBefore + 2, video.cursor());
        assertArrayEquals(BACKUP_SPS, video.format().sequenceHeader());
        assertArrayEquals(BACKUP_AAC, audio.format().sequenceHeader());
        Stream stream = registry.find(path);
        assertArrayEquals(BACKUP_METADATA, stream.metadata(), "the backup's metadata before its keyframe");
        assertEquals(SourceRole.BACKUP, stream.sources().active());
        assertEquals(1, stream.sources().switchesToBackup());
        assertTrue(backup.isActive());
        assertFalse(sources[0].isActive());
    }

    @Test
    void shouldSwitchBackAtThePrimarysNextKeyframeOnceItDeliversAgain() {
        StreamPublisher[] sources = primaryLiveWithBackup();
        StreamPublisher primary = sources[0];
        advanceMs(1_500);
        assertTrue(offer(sources[1], TrackKind.VIDEO, 92_000, true));
        advanceMs(40);
        assertTrue(offer(sources[1], TrackKind.VIDEO, 92_040, false));
        long last = registry.find(path).lastTimestampMs();

        advanceMs(10);
        assertFalse(offer(primary, TrackKind.VIDEO, 5_000, false), "the primary is back, between keyframes");
        assertFalse(offer(primary, TrackKind.AUDIO, 5_000, false));
        assertTrue(offer(sources[1], TrackKind.VIDEO, 92_080, false), "the backup goes on until then");
        assertTrue(offer(primary, TrackKind.VIDEO, 5_040, true), "switches back at the primary's keyframe");
        assertFalse(offer(sources[1], TrackKind.VIDEO, 92_120, false), "the backup is standby again");

        List<FrameEvent> frames = framesInOrder();
        FrameEvent keyframe = frames.get(frames.size() - 1);
        assertTrue(keyframe.isKeyframe());
        assertEquals(last + 40 + 40, keyframe.timestampMs(), "one primary frame interval after the backup's last");
        assertArrayEquals(PRIMARY_SPS, video.format().sequenceHeader());
        assertArrayEquals(PRIMARY_METADATA, registry.find(path).metadata());
        long previous = -1;
        for (FrameEvent f : frames) {
            assertTrue(f.timestampMs() >= previous, "non-decreasing: " + f.timestampMs() + " after " + previous);
            previous = f.timestampMs();
        }
        SourceSwitch sw = registry.find(path).sources();
        assertEquals(SourceRole.PRIMARY, sw.active());
        assertEquals(1, sw.switchesToBackup());
        assertEquals(1, sw.switchesToPrimary());
    }

    @Test
    void shouldSwitchToTheBackupAtOnceWhenThePrimaryLeftAndKeepTheStreamPublishing() {
        StreamPublisher[] sources = primaryLiveWithBackup();
        sources[0].close();
        Stream stream = registry.find(path);
        assertEquals(StreamState.PUBLISHING, stream.state(), "the backup still publishes it");
        assertNull(stream.publisher(), "no primary");
        assertTrue(offer(sources[1], TrackKind.VIDEO, 90_100, true), "no primary: no silence to wait for");
        assertEquals(1, stream.sources().switchesToBackup());

        StreamPublisher returning = registry.publish(path, info, false);
        assertNotNull(returning, "a primary may publish again beside the backup");
        assertSame(returning, stream.publisher());
        start(returning, PRIMARY_METADATA, PRIMARY_SPS, PRIMARY_AAC, 0);
        assertTrue(offer(returning, TrackKind.VIDEO, 0, true));
        assertEquals(SourceRole.PRIMARY, stream.sources().active());
        assertEquals(1, stream.sources().switchesToPrimary());

        returning.close();
        sources[1].close();
        assertEquals(StreamState.WAITING_PUBLISHER, stream.state(), "the last source leaving ends the publish");
    }

    @Test
    void shouldFeedViewersFromABackupThatPublishesAlone() {
        StreamPublisher backup = registry.publishBackup(path, info, false);
        Stream stream = registry.find(path);
        assertEquals(StreamState.PUBLISHING, stream.state());
        assertNull(registry.publishBackup(path, info, false), "one backup per stream");
        start(backup, BACKUP_METADATA, BACKUP_SPS, BACKUP_AAC, 500);
        assertEquals(-1, stream.track(TrackKind.VIDEO).cursor(), "nothing before its first keyframe");
        assertTrue(offer(backup, TrackKind.VIDEO, 520, true));
        assertEquals(1, video.cursor(), "header and keyframe");
        assertTrue(video.slot(0).isSequenceHeader());
        assertEquals(520, video.slot(1).timestampMs(), "the first source keeps its own timestamps");
        assertEquals(SourceRole.BACKUP, stream.sources().active());
        assertEquals(0, stream.sources().switchesToBackup(), "taking an empty stream is not a switch");
    }

    @Test
    void shouldNotLetTheBackupTakeOverBeforeAPrimaryWritingInPlaceHandsOver() {
        StreamPublisher primary = registry.publish(path, info, false);
        Stream stream = registry.find(path);
        TrackRing ring = stream.track(TrackKind.VIDEO);
        long position = ring.reserve(10);
        primary.publish(TrackKind.VIDEO, position, 10, 5, Codec.AVC, true, false, 0, 0, clock.nanoTime());
        StreamPublisher backup = registry.publishBackup(path, info, false);
        assertTrue(primary.isSwitched());
        assertTrue(primary.needsSwitchAcknowledged());
        start(backup, BACKUP_METADATA, BACKUP_SPS, BACKUP_AAC, 0);
        advanceMs(5_000);
        assertFalse(offer(backup, TrackKind.VIDEO, 5_000, true), "the primary may still write in place");
        assertEquals(0, ring.cursor());

        primary.acknowledgeSwitch();
        assertTrue(offer(primary, TrackKind.VIDEO, 40, false), "it keeps its session and rebase");
        assertEquals(40, ring.slot(1).timestampMs());
        assertEquals(ring.slot(0).session(), ring.slot(1).session());
        advanceMs(1_000);
        assertTrue(offer(backup, TrackKind.VIDEO, 6_000, true), "after the hand-over, silence switches");
        assertEquals(1, stream.sources().switchesToBackup());
    }

    @Test
    void shouldNotLetAStandbySendingGarbageTouchWhatViewersGet() {
        StreamPublisher[] sources = primaryLiveWithBackup();
        byte[] garbage = {0x17, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
        sources[1].updateFormat(new TrackFormat(Codec.AVC, garbage, 5, 0, 0, 0, 0));
        sources[1].updateMetadata(new byte[]{9, 9, 9});
        sequenceHeader(sources[1], TrackKind.VIDEO, garbage, -5_000_000);
        for (int i = 0; i < 100; i++) {
            advanceMs(10);
            assertFalse(offer(sources[1], TrackKind.VIDEO, (i * 7919L) % 100_000 - 50_000, true));
            assertTrue(offer(sources[0], TrackKind.VIDEO, 40 + i * 10L, i % 25 == 0));
        }
        assertArrayEquals(PRIMARY_SPS, video.format().sequenceHeader(), "joiners still get the primary's header");
        assertArrayEquals(PRIMARY_METADATA, registry.find(path).metadata());
        long previous = -1;
        for (FrameEvent f : framesInOrder()) {
            assertTrue(f.timestampMs() >= previous);
            previous = f.timestampMs();
        }
        assertEquals(40 + 99 * 10, previous, "the newest frame is the primary's last");
        assertEquals(1 + 1 + 100, video.cursor() + 1, "header, keyframe and the primary's 100 frames only");
    }

    @Test
    void shouldKeepTodaysPathForAStreamWithoutBackup() {
        StreamPublisher primary = registry.publish(path, info, false);
        assertFalse(primary.isSwitched());
        assertTrue(primary.isActive());
        assertNull(registry.find(path).sources());
    }
}
