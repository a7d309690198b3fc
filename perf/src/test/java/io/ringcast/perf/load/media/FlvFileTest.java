package io.ringcast.perf.load.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FlvFileTest {
    private static final byte[] SCRIPT = {2, 0, 10, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a', 't', 'a'};

    @Test
    void shouldSplitHeadersFromFramesInFileOrder() throws IOException {
        byte[] key = FlvBytes.avcFrame(true, 300);
        byte[] inter = FlvBytes.avcFrame(false, 40);
        byte[] aac = FlvBytes.aacFrame(100);
        byte[] file = FlvBytes.withHeader()
                .tag(FlvFile.TYPE_SCRIPT, 0, SCRIPT)
                .tag(FlvFile.TYPE_VIDEO, 0, FlvBytes.avcSequenceHeader())
                .tag(FlvFile.TYPE_AUDIO, 0, FlvBytes.aacSequenceHeader())
                .tag(FlvFile.TYPE_AUDIO, 0, aac)
                .tag(FlvFile.TYPE_VIDEO, 23, key)
                .tag(FlvFile.TYPE_VIDEO, 0x1_000_050L, inter)
                .tag(FlvFile.TYPE_VIDEO, 90, FlvBytes.avcSequenceHeader())
                .raw(9, 0, 1, 0)
                .toByteArray();

        FlvFile flv = FlvFile.parse(file, "test.flv");

        assertArrayEquals(SCRIPT, flv.metadata().body());
        assertArrayEquals(FlvBytes.avcSequenceHeader(), flv.videoSequenceHeader().body());
        assertArrayEquals(FlvBytes.aacSequenceHeader(), flv.audioSequenceHeader().body());
        List<FlvFile.Tag> frames = flv.frames();
        assertEquals(3, frames.size(), "the later sequence header and the truncated tag are dropped");
        assertEquals(FlvFile.TYPE_AUDIO, frames.get(0).type());
        assertArrayEquals(aac, frames.get(0).body());
        assertEquals(23, frames.get(1).timestampMs());
        assertArrayEquals(key, frames.get(1).body());
        assertEquals(0x1_000_050L, frames.get(2).timestampMs(), "extended timestamp byte is bits 24..31");
        assertArrayEquals(inter, frames.get(2).body());
    }

    @Test
    void shouldRefuseWhatIsNoFlvFile() {
        byte[] notFlv = FlvBytes.withHeader().tag(FlvFile.TYPE_AUDIO, 0, FlvBytes.aacFrame(5)).toByteArray();
        notFlv[0] = 'G';
        assertThrows(IOException.class, () -> FlvFile.parse(notFlv, "x"));
        assertThrows(IOException.class, () -> FlvFile.parse(Arrays.copyOf(notFlv, 5), "x"));
        byte[] noFrames = FlvBytes.withHeader().tag(FlvFile.TYPE_SCRIPT, 0, SCRIPT).toByteArray();
        IOException e = assertThrows(IOException.class, () -> FlvFile.parse(noFrames, "empty.flv"));
        assertEquals("no audio or video frame in empty.flv", e.getMessage());
    }
}
