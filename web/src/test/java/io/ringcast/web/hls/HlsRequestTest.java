package io.ringcast.web.hls;

import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The request paths the HLS servlet accepts and refuses. */
@Timeout(10)
class HlsRequestTest {
    @Test
    void shouldParsePlaylistAndSegmentPathsWhicheverPartHoldsThem() {
        assertEquals(new HlsRequest(new StreamPath("live", "x"), HlsRequest.PLAYLIST),
                HlsRequest.parse("/live/x.m3u8", null));
        assertEquals(new HlsRequest(new StreamPath("live", "x"), 42), HlsRequest.parse("/live/x/42.ts", null));
        assertEquals(new HlsRequest(new StreamPath("live", "x"), 42), HlsRequest.parse("", "/live/x/42.ts"));
        assertTrue(HlsRequest.parse("/live/x.m3u8", null).isPlaylist());
    }

    @Test
    void shouldRejectMalformedPaths() {
        List<String> malformed = List.of("/x.m3u8", "/a/b/c.m3u8", "/live/x/abc.ts", "/live/x/-1.ts", "/live/x/.ts",
                "/live/x.ts", "/live/../x/1.ts", "/live/x/1234567890123456789.ts", "/live/x/1.mp4", "live/x.m3u8",
                "/li ve/x.m3u8");
        for (String bad : malformed) {
            assertThrows(IllegalArgumentException.class, () -> HlsRequest.parse(bad, null), bad);
        }
    }
}
