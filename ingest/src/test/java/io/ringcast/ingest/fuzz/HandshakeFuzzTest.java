package io.ringcast.ingest.fuzz;

import static io.ringcast.ingest.fuzz.FuzzChecks.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.handshake.HandshakeResponder;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzz target for the server handshake: arbitrary bytes (C0, C1, C2 and what follows) fed in arbitrary pieces.
 * Only {@link RtmpProtocolException} for a C0 other than 3 may escape; otherwise the responder consumes exactly
 * C0+C1+C2, answers S0+S1+S2 once C1 is in, and echoes C1 in S2 unless C1 carried a valid digest.
 * Seeds: a real ffmpeg handshake and an OBS/librtmp-style digest C1
 * ({@code HandshakeFuzzTestInputs/respondsOrRejectsVersion/}).
 */
class HandshakeFuzzTest {
    private static final int HANDSHAKE_LENGTH =
            HandshakeResponder.VERSION_LENGTH + 2 * HandshakeResponder.PACKET_LENGTH;

    @FuzzTest(maxDuration = "30s")
    void respondsOrRejectsVersion(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        FuzzChecks.Splits splits = new FuzzChecks.Splits(data.consumeLong());
        byte[] bytes = data.consumeRemainingAsBytes();
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        HandshakeResponder responder = new HandshakeResponder(new SplittableRandom(7), 1234);
        int consumed = 0;
        try {
            while (consumed < bytes.length) {
                int length = splits.next(bytes.length - consumed);
                int n = responder.consume(buffer, consumed, length);
                check(n >= 0 && n <= length, "consumes within the piece");
                consumed += n;
                if (n < length) {
                    check(responder.isComplete(), "stops short only when complete");
                    break;
                }
            }
        } catch (RtmpProtocolException expected) {
            check(bytes.length > 0 && bytes[0] != HandshakeResponder.RTMP_VERSION, "only a bad C0 is refused");
            return;
        }
        check(consumed == Math.min(bytes.length, HANDSHAKE_LENGTH), "consumes exactly C0+C1+C2");
        check(responder.isComplete() == (bytes.length >= HANDSHAKE_LENGTH), "complete after C2");
        boolean c1In = bytes.length >= HandshakeResponder.VERSION_LENGTH + HandshakeResponder.PACKET_LENGTH;
        check(responder.isResponseReady() == c1In, "response ready once C1 is in");
        if (c1In) {
            var response = responder.response();
            check(response.getByte(0) == HandshakeResponder.RTMP_VERSION, "S0 is version 3");
            if (!responder.isDigestHandshake()) {
                int s2 = HandshakeResponder.VERSION_LENGTH + HandshakeResponder.PACKET_LENGTH;
                for (int i = 0; i < HandshakeResponder.PACKET_LENGTH; i++) {
                    check(response.getByte(s2 + i) == bytes[HandshakeResponder.VERSION_LENGTH + i], "S2 echoes C1");
                }
            }
        }
    }
}
