package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** File names: UTC start time under app/name, never overwriting. */
@Timeout(10)
class RecordingFilesTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameFilesByTheirUtcStartTimeUnderAppAndName() throws Exception {
        RecordingFiles files = new RecordingFiles(dir, StreamPath.parse("live/x"), ChannelOpener.FILES);
        long start = 1_795_253_400_000L; // 2026-11-21T09:30:00Z
        try (var first = files.create(start).channel()) {
            assertTrue(first.isOpen());
        }
        assertTrue(Files.exists(dir.resolve("live/x/20261121T093000Z.flv")));
        assertEquals("20261121T093000Z", RecordingFiles.stamp(start + 999));
    }

    @Test
    void shouldAddASuffixInsteadOfOverwritingAFileOfTheSameSecond() throws Exception {
        RecordingFiles files = new RecordingFiles(dir, StreamPath.parse("live/x"), ChannelOpener.FILES);
        long start = 1_795_253_400_000L;
        Files.createDirectories(dir.resolve("live/x"));
        Files.writeString(dir.resolve("live/x/20261121T093000Z.flv"), "keep me");
        RecordingFiles.OpenFile second = files.create(start);
        RecordingFiles.OpenFile third = files.create(start);
        second.channel().close();
        third.channel().close();
        assertEquals("20261121T093000Z-1.flv", second.path().getFileName().toString());
        assertEquals("20261121T093000Z-2.flv", third.path().getFileName().toString());
        assertEquals("keep me", Files.readString(dir.resolve("live/x/20261121T093000Z.flv")));
    }
}
