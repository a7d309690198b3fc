package io.ringcast.web.hls;

import io.ringcast.broadcast.stream.StreamPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/** Exact playlist text and window sliding, and the request paths the servlet accepts. */
@Timeout(10)
class PlaylistTest {
    private static HlsSegment segment(long seq, long ms, boolean discontinuity) {
        return new HlsSegment(seq, ms, discontinuity, new byte[188], 0);
    }

    @Test
    void shouldRenderTheWindowWithCeiledTargetDurationAndMillisecondDurations() {
        HlsWindow w = HlsWindow.empty("cam1");
        w = w.append(segment(0, 2_000, false), 3);
        w = w.append(segment(1, 2_033, false), 3);
        w = w.append(segment(2, 1_967, false), 3);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:3
                #EXT-X-MEDIA-SEQUENCE:0
                #EXTINF:2.000,
                cam1/0.ts
                #EXTINF:2.033,
                cam1/1.ts
                #EXTINF:1.967,
                cam1/2.ts
                """, w.playlistText());
    }

    @Test
    void shouldSlideTheWindowAndCountDiscontinuitiesThatLeaveIt() {
        HlsWindow w = HlsWindow.empty("x");
        w = w.append(segment(7, 2_000, false), 3);
        w = w.append(segment(8, 40, true), 3);
        w = w.append(segment(9, 2_005, false), 3);
        w = w.append(segment(10, 2_000, true), 3);
        w = w.append(segment(11, 1_000, false), 3);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:3
                #EXT-X-MEDIA-SEQUENCE:9
                #EXT-X-DISCONTINUITY-SEQUENCE:1
                #EXTINF:2.005,
                x/9.ts
                #EXT-X-DISCONTINUITY
                #EXTINF:2.000,
                x/10.ts
                #EXTINF:1.000,
                x/11.ts
                """, w.playlistText());
        assertNull(w.segment(8), "left the window");
        assertEquals(10, w.segment(10).sequence());
        assertNull(w.segment(12), "does not exist yet");
        assertEquals(9, w.firstSequence());
    }

    @Test
    void shouldNeverLowerTheTargetDurationWhenALongSegmentLeavesTheWindow() {
        HlsWindow w = HlsWindow.empty("x");
        w = w.append(segment(0, 4_001, false), 3);
        for (int i = 1; i <= 4; i++) {
            w = w.append(segment(i, 2_000, false), 3);
        }
        assertTrue(w.playlistText().contains("#EXT-X-TARGETDURATION:5\n"), w.playlistText());
    }

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
        for (String bad : new String[]{"/x.m3u8", "/a/b/c.m3u8", "/live/x/abc.ts", "/live/x/-1.ts", "/live/x/.ts",
            "/live/x.ts", "/live/../x/1.ts", "/live/x/1234567890123456789.ts", "/live/x/1.mp4", "live/x.m3u8",
            "/li ve/x.m3u8"}) {
            assertThrows(IllegalArgumentException.class, () -> HlsRequest.parse(bad, null), bad);
        }
    }
}
