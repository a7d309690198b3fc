package io.ringcast.ingest.upstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class UpstreamUrlTest {
    @Test
    void rtmpUrlSplitsIntoAppNameAndTcUrl() {
        UpstreamUrl url = UpstreamUrl.parse("rtmp://10.0.0.1/live/cam1");
        assertTrue(url.isRtmp());
        assertEquals("10.0.0.1", url.host());
        assertEquals(1935, url.port());
        assertEquals("live", url.rtmpApp());
        assertEquals("cam1", url.rtmpStreamName());
        assertEquals("rtmp://10.0.0.1:1935/live", url.rtmpTcUrl());
    }

    @Test
    void rtmpInstanceBelongsToTheAppAndTheQueryToTheName() {
        UpstreamUrl url = UpstreamUrl.parse("rtmp://origin:1936/live/inst/cam1?key=s3cret");
        assertEquals(1936, url.port());
        assertEquals("live/inst", url.rtmpApp());
        assertEquals("cam1?key=s3cret", url.rtmpStreamName());
        assertEquals("rtmp://origin:1936/live/inst/cam1?key=***", url.masked());
    }

    @Test
    void httpUrlGivesTargetAndHostHeader() {
        UpstreamUrl url = UpstreamUrl.parse("http://127.0.0.2:8080/live/cam1.flv?x=1");
        assertFalse(url.isRtmp());
        assertEquals("/live/cam1.flv?x=1", url.httpTarget());
        assertEquals("127.0.0.2:8080", url.hostHeader());
        assertEquals("example.org", UpstreamUrl.parse("http://example.org/a.flv").hostHeader());
    }

    @Test
    void credentialsNeverShowInMaskedText() {
        UpstreamUrl url = UpstreamUrl.parse("rtmp://user:pw@host/live/s?token=abc&v=2&streamKey=k");
        assertEquals("rtmp://***@host/live/s?token=***&v=2&streamKey=***", url.toString());
        assertFalse(url.masked().contains("pw"));
    }

    @Test
    void badUrlsAreRefusedWithTheReason() {
        assertEquals("unsupported URL scheme 'https': expected rtmp:// or http://",
                assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("https://h/a")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("rtmp://h/live"))
                .getMessage().startsWith("an rtmp URL needs /app/name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("rtmp:///live/x"))
                .getMessage().startsWith("URL has no host"));
        assertEquals("missing URL", assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse(" "))
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse("rtmp://h:0/a/b"))
                .getMessage().startsWith("URL port out of range"));
    }
}
