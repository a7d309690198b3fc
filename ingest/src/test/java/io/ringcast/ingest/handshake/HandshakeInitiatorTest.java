package io.ringcast.ingest.handshake;

import io.ringcast.ingest.RtmpProtocolException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client handshake against ringcast's own {@link HandshakeResponder}, bytes split at every boundary. */
@Timeout(30)
class HandshakeInitiatorTest {
    private static final int PACKET = HandshakeResponder.PACKET_LENGTH;

    @Test
    void shouldSendASimpleC1ThatTheResponderAnswersWithoutDigest() {
        HandshakeInitiator client = new HandshakeInitiator(new SplittableRandom(1), 0x01020304);
        byte[] request = client.request();
        assertEquals(1 + PACKET, request.length);
        assertEquals(3, request[0]);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(request, 1, 5), "C1 time");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(request, 5, 9), "C1 zero field: simple handshake");

        HandshakeResponder server = new HandshakeResponder(new SplittableRandom(2), 7);
        assertEquals(request.length, server.consume(new UnsafeBuffer(request), 0, request.length));
        assertTrue(server.isResponseReady());
        assertFalse(server.isDigestHandshake());
    }

    @Test
    void shouldCompleteAgainstTheResponderWithS0S1S2SplitAtEveryBoundary() {
        HandshakeResponder server = new HandshakeResponder(new SplittableRandom(2), 7);
        HandshakeInitiator first = new HandshakeInitiator(new SplittableRandom(1), 0);
        server.consume(new UnsafeBuffer(first.request()), 0, HandshakeInitiator.REQUEST_LENGTH);
        byte[] response = Arrays.copyOf(server.response().byteArray(), HandshakeResponder.RESPONSE_LENGTH);
        byte[] withChunkBytes = Arrays.copyOf(response, response.length + 5); // chunk stream bytes follow S2

        for (int split = 0; split <= withChunkBytes.length; split++) {
            HandshakeInitiator client = new HandshakeInitiator(new SplittableRandom(1), 0);
            UnsafeBuffer bytes = new UnsafeBuffer(withChunkBytes);
            int consumed = client.consume(bytes, 0, split);
            consumed += client.consume(bytes, consumed, withChunkBytes.length - consumed);
            assertTrue(client.isComplete(), "split at " + split);
            assertEquals(response.length, consumed, "bytes after S2 are left to the chunk stream, split " + split);
            DirectBuffer c2 = client.acknowledgement();
            assertArrayEquals(Arrays.copyOfRange(response, 1, 1 + PACKET), Arrays.copyOf(c2.byteArray(), PACKET),
                    "C2 echoes S1");
        }
        HandshakeInitiator client = new HandshakeInitiator(new SplittableRandom(1), 0);
        client.consume(new UnsafeBuffer(response), 0, response.length);
        assertEquals(PACKET, server.consume(client.acknowledgement(), 0, PACKET));
        assertTrue(server.isComplete());
    }

    @Test
    void shouldRefuseAnS0OtherThanVersion3() {
        HandshakeInitiator client = new HandshakeInitiator(new SplittableRandom(1), 0);
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> client.consume(new UnsafeBuffer(new byte[] {6, 0, 0}), 0, 3));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        assertThrows(IllegalStateException.class, client::acknowledgement);
    }
}
