package io.ringcast.perf.load.rtmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.handshake.HandshakeResponder;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client handshake against ringcast's own server side, in pieces, and what it sends. */
@Timeout(10)
class RtmpClientHandshakeTest {
    @Test
    void shouldCompleteAgainstTheServerResponderAndEchoS1AsC2() {
        RtmpClientHandshake client = new RtmpClientHandshake();
        HandshakeResponder server = new HandshakeResponder(new SplittableRandom(7), 1234);
        byte[] c0c1 = client.c0c1();
        assertEquals(3, c0c1[0]);
        assertArrayEquals(new byte[8], Arrays.copyOfRange(c0c1, 1, 9), "time and zero version: simple handshake");
        server.consume(new UnsafeBuffer(c0c1), 0, c0c1.length);
        assertTrue(server.isResponseReady());

        byte[] response = new byte[RtmpClientHandshake.SERVER_RESPONSE_LENGTH + 10];
        server.response().getBytes(0, response, 0, RtmpClientHandshake.SERVER_RESPONSE_LENGTH);
        UnsafeBuffer buffer = new UnsafeBuffer(response);
        int consumed = 0;
        for (int piece : new int[] {1, 700, 1536, 900}) {
            assertFalse(client.isComplete());
            consumed += client.consume(buffer, consumed, Math.min(piece, response.length - consumed));
        }
        assertEquals(RtmpClientHandshake.SERVER_RESPONSE_LENGTH, consumed, "never past S2");
        assertTrue(client.isComplete());
        assertArrayEquals(Arrays.copyOfRange(response, 1, 1 + 1536), client.c2());

        byte[] c2 = client.c2();
        server.consume(new UnsafeBuffer(c2), 0, c2.length);
        assertTrue(server.isComplete());
    }

    @Test
    void shouldAskForS0ThenS1ThenS2() {
        RtmpClientHandshake client = new RtmpClientHandshake();
        HandshakeResponder server = new HandshakeResponder(new SplittableRandom(7), 1234);
        server.consume(new UnsafeBuffer(client.c0c1()), 0, client.c0c1().length);
        UnsafeBuffer response = new UnsafeBuffer(new byte[RtmpClientHandshake.SERVER_RESPONSE_LENGTH]);
        server.response().getBytes(0, response, 0, RtmpClientHandshake.SERVER_RESPONSE_LENGTH);

        assertEquals(1, client.bytesToPacketEnd());
        client.consume(response, 0, 1);
        assertEquals(1536, client.bytesToPacketEnd());
        client.consume(response, 1, 1000);
        assertEquals(536, client.bytesToPacketEnd(), "the rest of S1");
        client.consume(response, 1001, 536);
        assertEquals(1536, client.bytesToPacketEnd());
        client.consume(response, 1537, 1536);
        assertTrue(client.isComplete());
        assertEquals(0, client.bytesToPacketEnd());
    }

    @Test
    void shouldRefuseAnotherRtmpVersion() {
        byte[] s0 = {6};
        assertThrows(RtmpProtocolException.class,
                () -> new RtmpClientHandshake().consume(new UnsafeBuffer(s0), 0, 1));
    }
}
