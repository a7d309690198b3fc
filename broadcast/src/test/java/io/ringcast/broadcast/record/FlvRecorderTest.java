package io.ringcast.broadcast.record;

import io.ringcast.broadcast.testing.Ffmpeg;
import io.ringcast.broadcast.testing.Await;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The recorder fed directly on the test thread with real H.264 + AAC tags, its writer thread writing real files:
 * file layout, rebased timestamps, rotation, reconnects, codec changes, flushing and failures. Files are checked
 * by parsing them and by ffmpeg decoding them.
 */
@Timeout(120)
class FlvRecorderTest {
    @TempDir
    Path tmp;
    private Path out;

    @BeforeEach
    void setUp() throws Exception {
        Ffmpeg.assumeInstalled();
        out = Files.createDirectory(tmp.resolve("out"));
    }

    private static RecordConfig config() {
        return RecordConfig.defaults();
    }

    private static void assertStartsCleanly(FlvFile file, String what) {
        assertTrue(file.tags().get(0).type() == FlvFile.TYPE_SCRIPT, what + ": onMetaData first");
        List<FlvFile.Tag> configs = file.tags().stream().filter(FlvFile.Tag::isSequenceHeader).toList();
        assertTrue(configs.stream().anyMatch(t -> t.type() == FlvFile.TYPE_VIDEO), what + ": video config");
        assertTrue(configs.stream().anyMatch(t -> t.type() == FlvFile.TYPE_AUDIO), what + ": audio config");
        FlvFile.Tag first = file.firstMedia();
        assertTrue(first.isVideoKeyframe(), what + ": first media tag is a keyframe");
        assertEquals(0, first.timestampMs(), what + ": timestamps start at 0");
        assertTrue(file.monotonicPerTrack(), what + ": timestamps never go back");
        assertEquals(0, file.truncatedBytes(), what + ": ends at a tag boundary");
    }

    @Test
    void shouldWriteHeaderMetadataSequenceHeadersAndFramesRebasedToZero() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 5, true, true);
        try (RecorderRig rig = new RecorderRig(out, config())) {
            rig.feed(source, 60_000);
            rig.close();
            List<Path> files = rig.files();
            assertEquals(1, files.size(), files.toString());
            FlvFile file = FlvFile.read(files.get(0));
            assertEquals(0x05, file.flags(), "audio and video flags");
            assertStartsCleanly(file, "the file");
            assertEquals(source.media().size(), file.media().size() + rig.status.framesSkipped(),
                    "every frame written or counted as skipped");
            assertTrue(rig.status.framesSkipped() <= 2, "skipped " + rig.status.framesSkipped());
            assertEquals(Files.size(files.get(0)), rig.status.bytesWritten());
            assertEquals(1, rig.status.filesWritten());
            assertEquals("20251121T093000Z.flv", files.get(0).getFileName().toString());
            assertEquals("", MediaTools.decodeErrors(files.get(0)));
            assertEquals(5.0, MediaTools.durationSeconds(files.get(0)), 0.2);
            assertEquals("h264,aac", MediaTools.codecs(files.get(0)));
            assertFalse(rig.status.active());
            assertNull(rig.status.lastError());
        }
    }

    @Test
    void shouldRotateAtTheFirstKeyframeAfterTheMaximumDuration() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 10, true, true);
        try (RecorderRig rig = new RecorderRig(out, config().withMaxDurationMs(4_000))) {
            rig.feed(source, 0);
            rig.close();
            List<Path> files = rig.files();
            assertEquals(3, files.size(), files.toString());
            double[] expectedSeconds = {4, 4, 2};
            for (int i = 0; i < files.size(); i++) {
                FlvFile file = FlvFile.read(files.get(i));
                assertStartsCleanly(file, files.get(i).toString());
                assertEquals("", MediaTools.decodeErrors(files.get(i)), files.get(i).toString());
                assertEquals(expectedSeconds[i], MediaTools.durationSeconds(files.get(i)), 0.2, files.get(i)
                        .toString());
            }
            assertEquals(3, rig.status.filesWritten());
        }
    }

    @Test
    void shouldRotateAtTheFirstKeyframeAfterTheMaximumSize() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 10, true, true);
        long keyframes = source.media().stream().filter(FlvFile.Tag::isVideoKeyframe).count();
        long maxSize = 64 * 1024;
        try (RecorderRig rig = new RecorderRig(out, config().withMaxSizeBytes(maxSize))) {
            rig.feed(source, 0);
            rig.close();
            List<Path> files = rig.files();
            assertEquals(keyframes, files.size(), "every 2 s GOP is over 64 KiB, so each starts a file: " + files);
            for (int i = 0; i < files.size(); i++) {
                assertStartsCleanly(FlvFile.read(files.get(i)), files.get(i).toString());
                assertEquals("", MediaTools.decodeErrors(files.get(i)), files.get(i).toString());
                if (i < files.size() - 1) {
                    assertTrue(Files.size(files.get(i)) >= maxSize, files.get(i) + " reached the size");
                }
            }
        }
    }

    @Test
    void shouldStartANewFileWhenThePublisherReconnects() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 3, true, true);
        try (RecorderRig rig = new RecorderRig(out, config())) {
            rig.feed(source, 0);
            rig.reconnect();
            rig.feed(source, 0);
            rig.close();
            List<Path> files = rig.files();
            assertEquals(2, files.size(), files.toString());
            for (Path f : files) {
                FlvFile file = FlvFile.read(f);
                assertStartsCleanly(file, f.toString());
                assertEquals(3_000.0, (double) file.spanMs(), 100.0, f.toString());
                assertEquals("", MediaTools.decodeErrors(f), f.toString());
            }
        }
    }

    @Test
    void shouldStartANewFileWithTheNewConfigurationWhenTheVideoCodecChanges() throws Exception {
        FlvFile large = SourceFlv.generate(tmp, 3, true, true, "640x360");
        FlvFile small = SourceFlv.generate(tmp, 3, true, true, "320x180");
        try (RecorderRig rig = new RecorderRig(out, config())) {
            rig.feed(large, 0);
            // The same encoder restarted at another size: new sequence headers, same session.
            for (FlvFile.Tag tag : small.tags()) {
                if (tag.type() != FlvFile.TYPE_SCRIPT) {
                    rig.feed(tag, 3_100);
                }
            }
            rig.close();
            List<Path> files = rig.files();
            assertEquals(2, files.size(), files.toString());
            FlvFile second = FlvFile.read(files.get(1));
            assertStartsCleanly(second, "second file");
            byte[] newConfig = small.tags().stream().filter(t -> t.isSequenceHeader() && t.type()
                    == FlvFile.TYPE_VIDEO).findFirst().orElseThrow().body();
            assertTrue(second.tags().stream().anyMatch(t -> t.isSequenceHeader() && Arrays.equals(t.body(),
                    newConfig)), "the second file carries the new configuration");
            assertTrue(Ffmpeg.probe(files.get(1).toString(), 30).output().contains("width=320"));
            assertTrue(Ffmpeg.probe(files.get(0).toString(), 30).output().contains("width=640"));
            for (Path f : files) {
                assertEquals("", MediaTools.decodeErrors(f), f.toString());
            }
        }
    }

    @Test
    void shouldKeepOneFileWhenASequenceHeaderRepeatsUnchanged() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 4, true, true);
        FlvFile.Tag videoConfig = source.tags().stream().filter(t -> t.isSequenceHeader()
                && t.type() == FlvFile.TYPE_VIDEO).findFirst().orElseThrow();
        try (RecorderRig rig = new RecorderRig(out, config())) {
            List<FlvFile.Tag> tags = source.tags();
            for (int i = 0; i < tags.size(); i++) {
                if (i == tags.size() / 2) {
                    rig.feed(new FlvFile.Tag(videoConfig.type(), tags.get(i).timestampMs(), videoConfig.body()), 0);
                }
                rig.feed(tags.get(i), 0);
            }
            rig.close();
            assertEquals(1, rig.files().size(), rig.files().toString());
        }
    }

    @Test
    void shouldBeginAtTheNextKeyframeWithTheStreamsFormatsWhenStartedMidStream() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 5, true, true);
        try (RecorderRig rig = new RecorderRig(out, config())) {
            List<FlvFile.Tag> tags = source.tags();
            int attachAt = tags.size() / 3; // about 1.7 s in: after the configurations and the first keyframe
            for (int i = 0; i < attachAt; i++) {
                rig.publishOnly(tags.get(i), 0);
            }
            for (int i = attachAt; i < tags.size(); i++) {
                rig.feed(tags.get(i), 0);
            }
            rig.close();
            List<Path> files = rig.files();
            assertEquals(1, files.size());
            FlvFile file = FlvFile.read(files.get(0));
            assertStartsCleanly(file, "mid-stream start");
            assertEquals(3_000.0, (double) file.spanMs(), 100.0, "from the keyframe at 2 s to the end at 5 s");
            assertTrue(rig.status.framesSkipped() > 0, "frames before the keyframe are skipped");
            assertEquals("", MediaTools.decodeErrors(files.get(0)));
        }
    }

    @Test
    void shouldRecordAudioOnlyStreamsFromTheirFirstFrame() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 3, false, true);
        try (RecorderRig rig = new RecorderRig(out, config())) {
            rig.feed(source, 5_000);
            rig.close();
            FlvFile file = FlvFile.read(rig.files().get(0));
            assertEquals(0x04, file.flags(), "audio only");
            assertEquals(0, file.firstMedia().timestampMs());
            assertEquals(source.media().size(), file.media().size());
            assertEquals("aac", MediaTools.codecs(rig.files().get(0)));
            assertEquals("", MediaTools.decodeErrors(rig.files().get(0)));
        }
    }

    @Test
    void shouldHandBufferedTagsToTheDiskOncePerFlushInterval() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 3, true, true);
        List<FlvFile.Tag> tags = source.tags();
        try (RecorderRig rig = new RecorderRig(out, config())) {
            int fed = 0;
            long bufferedBytes = 0;
            // Less than a chunk, so nothing is handed over before the flush interval passes.
            while (bufferedBytes + tags.get(fed).body().length < RecordConfig.CHUNK_BYTES * 3 / 4) {
                bufferedBytes += tags.get(fed).body().length + 15;
                rig.feed(tags.get(fed++), 0);
            }
            assertTrue(fed > 10, "frames buffered: " + fed);
            assertEquals(0, rig.status.bytesWritten(), "buffered, no flush interval passed yet");
            rig.clock.advance(Duration.ofSeconds(1));
            rig.feed(tags.get(fed++), 0);
            Await.until("the buffered tags on disk", Duration.ofSeconds(10), () -> rig.status.bytesWritten() > 0);
            FlvFile onDisk = FlvFile.read(rig.files().get(0));
            assertEquals(0, onDisk.truncatedBytes());
            long fedMedia = tags.subList(0, fed).stream().filter(FlvFile.Tag::isMedia).count();
            assertEquals(fedMedia, onDisk.media().size() + rig.status.framesSkipped(),
                    "everything fed so far is on disk");
            assertEquals(Files.size(rig.files().get(0)), rig.status.bytesWritten());
        }
    }

    @Test
    void shouldStopWithAnErrorInsteadOfWaitingWhenTheDiskFallsBehind() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 10, true, true);
        CountDownLatch diskStalled = new CountDownLatch(1);
        ChannelOpener stalled = file -> {
            try {
                diskStalled.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ChannelOpener.FILES.createNew(file);
        };
        RecordConfig twoChunks = config().withWriteBufferBytes(RecordConfig.MIN_WRITE_BUFFER_BYTES);
        try (RecorderRig rig = new RecorderRig(out, twoChunks, stalled)) {
            long sourceBytes = source.media().stream().mapToLong(t -> t.body().length).sum();
            assertTrue(sourceBytes > 2L * RecordConfig.CHUNK_BYTES, "material exceeds the buffer: " + sourceBytes);
            rig.feed(source, 0); // returns although the writer is stuck: the tap thread never waits
            assertEquals(1, rig.status.overruns());
            assertFalse(rig.status.active());
            assertTrue(rig.status.lastError().contains("disk is too slow"), rig.status.lastError());
            long written = rig.status.framesWritten();
            rig.feed(source, 10_000);
            assertEquals(written, rig.status.framesWritten(), "a stopped recording records nothing more");
            diskStalled.countDown();
        }
    }

    @Test
    void shouldReportAFullDiskWithThePathAndStopRecording() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 3, true, true);
        ChannelOpener full = file -> FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
        try (RecorderRig rig = new RecorderRig(out, config(), full)) {
            List<FlvFile.Tag> tags = source.tags();
            int half = tags.size() / 2;
            for (int i = 0; i < half; i++) {
                rig.feed(tags.get(i), 0);
            }
            rig.clock.advance(Duration.ofSeconds(1));
            rig.feed(tags.get(half), 0);
            Await.until("the error", Duration.ofSeconds(10), () -> rig.status.lastError() != null);
            String error = rig.status.lastError();
            assertTrue(error.contains("No space left on device"), error);
            assertTrue(error.contains(out.resolve("live/rec").toString()), error);
            assertFalse(rig.status.active());
            rig.feed(tags.get(half + 1), 0);
            long written = rig.status.framesWritten();
            for (int i = half + 2; i < tags.size(); i++) {
                rig.feed(tags.get(i), 0);
            }
            assertEquals(written, rig.status.framesWritten(), "the recorder stopped after the writer failed");
        }
    }

    @Test
    void shouldCutAFileStoppedByAFullDiskBackToItsLastWholeTagWithItsDuration() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 6, true, true);
        long sourceBytes = source.tags().stream().mapToLong(t -> t.body().length + 15L).sum();
        // Full in the middle of the recording, in the middle of some write.
        long capacity = sourceBytes / 2 + 777;
        ChannelOpener filling = file -> new FillingChannel(ChannelOpener.FILES.createNew(file), capacity);
        try (RecorderRig rig = new RecorderRig(out, config(), filling)) {
            List<FlvFile.Tag> tags = source.tags();
            for (int i = 0; i < tags.size() && rig.status.lastError() == null; i++) {
                rig.feed(tags.get(i), 0);
                if (i % 20 == 19) {
                    rig.clock.advance(Duration.ofSeconds(1));
                } else if (i % 20 == 0) {
                    // The flush handed what it had to the writer: let it write (or fail) before feeding more.
                    Await.until("the writer", Duration.ofSeconds(10),
                            () -> rig.pipe.writerFailed() || rig.pipe.freeChunks() >= rig.pipe.chunkCount() - 1);
                }
            }
            Await.until("the full disk", Duration.ofSeconds(10), () -> rig.status.lastError() != null);
            assertTrue(rig.status.lastError().contains("No space left on device"), rig.status.lastError());
            rig.close();

            Path file = rig.files().get(0);
            FlvFile written = FlvFile.read(file);
            assertEquals(0, written.truncatedBytes(), "cut back to a whole tag");
            assertTrue(Files.size(file) < capacity, Files.size(file) + " bytes");
            long lastTagMs = written.tags().get(written.tags().size() - 1).timestampMs();
            assertTrue(lastTagMs > 1_000, "kept " + lastTagMs + " ms");
            assertEquals(lastTagMs / 1000.0, MediaTools.durationSeconds(file), 0.1);
            assertEquals("", MediaTools.decodeErrors(file));

            List<RecordingOutcome> outcomes = rig.outcomes.newestFirst();
            assertEquals(1, outcomes.size(), outcomes.toString());
            RecordingOutcome outcome = outcomes.get(0);
            assertEquals(file.toString(), outcome.file());
            assertEquals(Files.size(file), outcome.bytes());
            assertEquals((double) lastTagMs, (double) outcome.durationMs(), 100.0);
            assertEquals(rig.status.lastError(), outcome.error());
        }
    }

    @Test
    void shouldKeepTheOutcomeOfEveryFileNewestFirstAndOfAFileThatCouldNotBeCreated() throws Exception {
        FlvFile source = SourceFlv.generate(tmp, 5, true, true);
        try (RecorderRig rig = new RecorderRig(out, config().withMaxDurationMs(2_000))) {
            rig.feed(source, 0);
            rig.close();
            List<Path> files = rig.files();
            List<RecordingOutcome> outcomes = rig.outcomes.newestFirst();
            assertEquals(files.size(), outcomes.size(), outcomes.toString());
            for (int i = 0; i < files.size(); i++) {
                RecordingOutcome outcome = outcomes.get(files.size() - 1 - i);
                assertEquals(files.get(i).toString(), outcome.file());
                assertEquals(Files.size(files.get(i)), outcome.bytes());
                assertNull(outcome.error());
                assertEquals(MediaTools.durationSeconds(files.get(i)), outcome.durationMs() / 1000.0, 0.1);
            }
        }
        Path aFile = Files.writeString(tmp.resolve("not-a-directory"), "x");
        try (RecorderRig rig = new RecorderRig(aFile.resolve("sub"), config())) {
            rig.feed(source, 0);
            rig.close();
            RecordingOutcome outcome = rig.outcomes.newestFirst().get(0);
            assertNull(outcome.file());
            assertEquals(0, outcome.bytes());
            assertTrue(outcome.error().contains(aFile.toString()), outcome.error());
        }
    }

    @Test
    void shouldReportADirectoryThatCannotBeCreated() throws Exception {
        Path aFile = Files.writeString(tmp.resolve("not-a-directory"), "x");
        FlvFile source = SourceFlv.generate(tmp, 2, true, true);
        try (RecorderRig rig = new RecorderRig(aFile.resolve("sub"), config())) {
            rig.feed(source, 0);
            rig.clock.advance(Duration.ofSeconds(1));
            rig.feed(source.media().get(0), 3_000);
            Await.until("the error", Duration.ofSeconds(10), () -> rig.status.lastError() != null);
            assertTrue(rig.status.lastError().contains(aFile.toString()), rig.status.lastError());
            assertEquals(0, rig.status.filesWritten());
        }
    }
}
