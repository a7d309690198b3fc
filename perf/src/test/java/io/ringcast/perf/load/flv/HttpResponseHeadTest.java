package io.ringcast.perf.load.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HttpResponseHeadTest {
    @Test
    void shouldStopAtTheBlankLineAndKnowTheBodyFraming() {
        byte[] wire = "HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\ntransfer-encoding:  Chunked\r\n\r\nFLV"
                .getBytes(StandardCharsets.US_ASCII);
        HttpResponseHead head = new HttpResponseHead();
        int consumed = head.consume(new UnsafeBuffer(wire), 0, 20);
        assertEquals(20, consumed);
        assertFalse(head.isComplete());
        consumed += head.consume(new UnsafeBuffer(wire), 20, wire.length - 20);
        assertTrue(head.isComplete());
        assertEquals(wire.length - 3, consumed, "the body's first bytes are left");
        assertEquals(200, head.statusCode());
        assertTrue(head.isChunked());
    }

    @Test
    void shouldReadTheStatusOfARefusalWithoutChunking() {
        byte[] wire = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        HttpResponseHead head = new HttpResponseHead();
        head.consume(new UnsafeBuffer(wire), 0, wire.length);
        assertEquals(404, head.statusCode());
        assertEquals("HTTP/1.1 404 Not Found", head.statusLine());
        assertFalse(head.isChunked());
    }

    @Test
    void shouldRefuseWhatIsNoHttpResponse() {
        byte[] flv = "FLV\u0001\u0005\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(StreamFormatException.class, () -> new HttpResponseHead().consume(new UnsafeBuffer(flv), 0,
                flv.length));
        byte[] endless = new byte[HttpResponseHead.MAX_HEAD_BYTES + 1];
        assertThrows(StreamFormatException.class, () -> new HttpResponseHead().consume(new UnsafeBuffer(endless), 0,
                endless.length));
    }
}
