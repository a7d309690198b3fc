package io.ringcast.ingest.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.ingest.RtmpProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HandshakeResponderTest {
    private static final int C1_LENGTH = 1536;
    private static final int DIGEST_LENGTH = 32;
    private static final int SERVER_TIME_MS = 0x01020304;
    private static final byte[] CLIENT_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = concat(
        "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII),
        HexFormat.of().parseHex("F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE"));

    @Test
    void shouldAnswerSimpleHandshakeWithTimeZeroRandomS1AndC1EchoS2() {
        final byte[] c0c1 = simpleC0C1();
        final byte[] c2 = new byte[C1_LENGTH];
        final byte[] extra = {0x42, 0x43};
        final byte[] all = concat(concat(c0c1, c2), extra);

        final HandshakeResponder responder = newResponder();
        final int consumed = responder.consume(new UnsafeBuffer(all), 0, all.length);

        assertEquals(1 + 2 * C1_LENGTH, consumed, "consumes C0+C1+C2, leaves chunk bytes");
        assertTrue(responder.isComplete());
        assertFalse(responder.isDigestHandshake());
        final byte[] response = responseBytes(responder);
        assertEquals(3, response[0]);
        assertArrayEquals(new byte[]{1, 2, 3, 4}, Arrays.copyOfRange(response, 1, 5), "S1 time");
        assertArrayEquals(new byte[4], Arrays.copyOfRange(response, 5, 9), "S1 zero");
        assertFalse(Arrays.equals(new byte[C1_LENGTH - 8], Arrays.copyOfRange(response, 9, 1 + C1_LENGTH)),
            "S1 random");
        assertArrayEquals(Arrays.copyOfRange(c0c1, 1, 1 + C1_LENGTH),
            Arrays.copyOfRange(response, 1 + C1_LENGTH, 1 + 2 * C1_LENGTH), "S2 echoes C1");
    }

    @Test
    void shouldAnswerScheme0DigestC1WithSignedS1AndS2() {
        assertDigestHandshake(0);
    }

    @Test
    void shouldAnswerScheme1DigestC1WithSignedS1AndS2() {
        assertDigestHandshake(1);
    }

    @Test
    void shouldRecogniseDigestInCapturedFfmpegC1() throws IOException {
        final byte[] c0c1 = resource("ffmpeg-c0c1.bin");
        final HandshakeResponder responder = newResponder();

        assertEquals(c0c1.length, responder.consume(new UnsafeBuffer(c0c1), 0, c0c1.length));

        assertTrue(responder.isResponseReady());
        assertTrue(responder.isDigestHandshake(), "ffmpeg signs C1 with the Flash Player key");
        assertServerDigests(Arrays.copyOfRange(c0c1, 1, c0c1.length), responseBytes(responder));
    }

    @Test
    void shouldFallBackToSimpleHandshakeWhenDigestIsWrong() {
        final byte[] c0c1 = digestC0C1(0);
        c0c1[1 + digestOffset(Arrays.copyOfRange(c0c1, 1, c0c1.length), 0)] ^= 1;
        final HandshakeResponder responder = newResponder();

        responder.consume(new UnsafeBuffer(c0c1), 0, c0c1.length);

        assertFalse(responder.isDigestHandshake());
        assertArrayEquals(Arrays.copyOfRange(c0c1, 1, c0c1.length),
            Arrays.copyOfRange(responseBytes(responder), 1 + C1_LENGTH, 1 + 2 * C1_LENGTH));
    }

    @Test
    void shouldRejectC0VersionOtherThan3() {
        final byte[] c0 = {6};
        final HandshakeResponder responder = newResponder();

        final RtmpProtocolException ex =
            assertThrows(RtmpProtocolException.class, () -> responder.consume(new UnsafeBuffer(c0), 0, 1));

        assertEquals("bad rtmp version", ex.reason());
    }

    @Test
    void shouldProduceSameResponseWhenInputIsSplitAtEveryBoundary() {
        final byte[] all = concat(concat(digestC0C1(1), new byte[C1_LENGTH]), new byte[]{7, 7, 7});
        final HandshakeResponder whole = newResponder();
        whole.consume(new UnsafeBuffer(all), 0, all.length);
        final byte[] expected = responseBytes(whole);

        for (int split = 0; split <= all.length; split++) {
            final HandshakeResponder responder = newResponder();
            final UnsafeBuffer buffer = new UnsafeBuffer(all);
            int consumed = responder.consume(buffer, 0, split);
            assertEquals(Math.min(split, all.length - 3), consumed, "first part at " + split);
            assertEquals(split > C1_LENGTH, responder.isResponseReady(), "response ready at " + split);
            consumed += responder.consume(buffer, consumed, all.length - consumed);

            assertEquals(all.length - 3, consumed, "split at " + split);
            assertTrue(responder.isComplete());
            assertArrayEquals(expected, responseBytes(responder), "split at " + split);
        }
    }

    @Test
    void shouldConsumeOneByteAtATime() {
        final byte[] all = concat(simpleC0C1(), new byte[C1_LENGTH]);
        final HandshakeResponder responder = newResponder();
        final UnsafeBuffer buffer = new UnsafeBuffer(all);

        for (int i = 0; i < all.length; i++) {
            assertFalse(responder.isComplete());
            assertEquals(1, responder.consume(buffer, i, 1));
        }

        assertTrue(responder.isComplete());
        assertEquals(HandshakeResponder.State.DONE, responder.state());
        assertEquals(0, responder.consume(buffer, 0, 1), "nothing consumed after C2");
    }

    private static void assertDigestHandshake(final int scheme) {
        final byte[] c0c1 = digestC0C1(scheme);
        final HandshakeResponder responder = newResponder();

        responder.consume(new UnsafeBuffer(c0c1), 0, c0c1.length);

        assertTrue(responder.isDigestHandshake());
        final byte[] response = responseBytes(responder);
        assertEquals(3, response[0]);
        final byte[] s1 = Arrays.copyOfRange(response, 1, 1 + C1_LENGTH);
        assertArrayEquals(new byte[]{1, 2, 3, 4}, Arrays.copyOfRange(s1, 0, 4), "S1 time");
        assertFalse(Arrays.equals(new byte[4], Arrays.copyOfRange(s1, 4, 8)), "S1 version non-zero");
        final int s1Offset = digestOffset(s1, scheme);
        assertArrayEquals(packetDigest(s1, s1Offset, Arrays.copyOf(SERVER_KEY, 36)),
            Arrays.copyOfRange(s1, s1Offset, s1Offset + DIGEST_LENGTH), "S1 digest in client's scheme");
        assertServerDigests(Arrays.copyOfRange(c0c1, 1, c0c1.length), response);
    }

    private static void assertServerDigests(final byte[] c1, final byte[] response) {
        final int c1Offset = findScheme(c1);
        final byte[] c1Digest = Arrays.copyOfRange(c1, c1Offset, c1Offset + DIGEST_LENGTH);
        final byte[] s2 = Arrays.copyOfRange(response, 1 + C1_LENGTH, 1 + 2 * C1_LENGTH);
        final byte[] s2Key = hmac(SERVER_KEY, c1Digest);
        assertArrayEquals(hmac(s2Key, Arrays.copyOf(s2, C1_LENGTH - DIGEST_LENGTH)),
            Arrays.copyOfRange(s2, C1_LENGTH - DIGEST_LENGTH, C1_LENGTH), "S2 signature");
    }

    private static int findScheme(final byte[] c1) {
        for (int scheme = 0; scheme < 2; scheme++) {
            final int offset = digestOffset(c1, scheme);
            if (Arrays.equals(packetDigest(c1, offset, CLIENT_KEY), Arrays.copyOfRange(c1, offset, offset + 32))) {
                return offset;
            }
        }
        throw new AssertionError("no client digest");
    }

    private static HandshakeResponder newResponder() {
        return new HandshakeResponder(new SplittableRandom(42), SERVER_TIME_MS);
    }

    private static byte[] simpleC0C1() {
        final byte[] c0c1 = new byte[1 + C1_LENGTH];
        c0c1[0] = 3;
        c0c1[4] = 9;
        for (int i = 9; i < c0c1.length; i++) {
            c0c1[i] = (byte)(i * 31);
        }
        return c0c1;
    }

    private static byte[] digestC0C1(final int scheme) {
        final byte[] c1 = new byte[C1_LENGTH];
        new SplittableRandom(7 + scheme).nextBytes(c1);
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        final int offset = digestOffset(c1, scheme);
        System.arraycopy(packetDigest(c1, offset, CLIENT_KEY), 0, c1, offset, DIGEST_LENGTH);
        return concat(new byte[]{3}, c1);
    }

    private static int digestOffset(final byte[] packet, final int scheme) {
        final int base = scheme == 0 ? 8 : 772;
        final int sum = (packet[base] & 0xFF) + (packet[base + 1] & 0xFF) + (packet[base + 2] & 0xFF) +
            (packet[base + 3] & 0xFF);
        return base + 4 + sum % 728;
    }

    private static byte[] packetDigest(final byte[] packet, final int offset, final byte[] key) {
        final byte[] rest = concat(Arrays.copyOf(packet, offset), Arrays.copyOfRange(packet, offset + 32, 1536));
        return hmac(key, rest);
    }

    private static byte[] hmac(final byte[] key, final byte[] data) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (final Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private static byte[] responseBytes(final HandshakeResponder responder) {
        final byte[] bytes = new byte[responder.responseLength()];
        responder.response().getBytes(0, bytes);
        return bytes;
    }

    private static byte[] resource(final String name) throws IOException {
        try (InputStream in = HandshakeResponderTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
