package io.ringcast.perf.load.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RtmpUrlTest {
    @Test
    void shouldSplitApplicationAndStreamName() {
        RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:19350/live/bench?expires=1&token=ab");
        assertEquals("127.0.0.1", url.host());
        assertEquals(19350, url.port());
        assertEquals("live", url.app());
        assertEquals("bench?expires=1&token=ab", url.streamName());
        assertEquals("rtmp://127.0.0.1:19350/live", url.tcUrl());
        assertEquals(1935, RtmpUrl.parse("rtmp://localhost/live/x").port());
    }

    @Test
    void shouldRefuseUrlsWithoutApplicationAndName() {
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("rtmp://127.0.0.1/live"));
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("http://127.0.0.1/live/x"));
        assertThrows(IllegalArgumentException.class, () -> RtmpUrl.parse("rtmp:///live/x"));
    }
}
