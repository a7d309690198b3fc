package io.ringcast.ingest.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PayloadTarget;
import io.ringcast.ingest.handshake.HandshakeResponder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seed captures are what they claim to be: complete handshakes and publishing sessions the decoder reads. */
@Timeout(30)
class FuzzSeedsTest {
    private static final String HANDSHAKES = "HandshakeFuzzTestInputs/respondsOrRejectsVersion/";
    private static final String SESSIONS = "ChunkStreamFuzzTestInputs/decodesAnySplit/";

    @Test
    void shouldCompleteTheSimpleAndTheDigestHandshakeOfTheSeeds() throws IOException {
        assertEquals(true, handshake("ffmpeg-digest-handshake.bin").isDigestHandshake());
        assertEquals(true, handshake("obs-digest-handshake.bin").isDigestHandshake());
        assertEquals(false, handshake("simple-handshake-zero-version.bin").isDigestHandshake());
    }

    @Test
    void shouldDecodeTheFfmpegCaptureIntoAPublishingSession() throws IOException {
        Session session = decode("ffmpeg-publish-session.bin");
        assertEquals(List.of("connect", "releaseStream", "FCPublish", "createStream", "publish", "@setDataFrame"),
                session.commands);
        assertTrue(session.videoMessages >= 2 && session.audioMessages >= 2, session.toString());
    }

    @Test
    void shouldDecodeTheObsStyleSessionWithItsChunkSize() throws IOException {
        Session session = decode("obs-style-publish-session.bin");
        assertEquals(List.of("connect", "releaseStream", "FCPublish", "createStream", "publish", "@setDataFrame"),
                session.commands);
        assertEquals(4096, session.chunkSizeBytes);
        assertTrue(session.videoMessages >= 2 && session.audioMessages >= 2, session.toString());
    }

    private static HandshakeResponder handshake(String seed) throws IOException {
        byte[] bytes = resource(HANDSHAKES + seed);
        HandshakeResponder responder = new HandshakeResponder(new SplittableRandom(1), 0);
        int consumed = responder.consume(new UnsafeBuffer(bytes), 0, bytes.length);
        assertTrue(responder.isComplete(), seed);
        assertEquals(HandshakeResponder.VERSION_LENGTH + 2 * HandshakeResponder.PACKET_LENGTH, consumed);
        return responder;
    }

    private static Session decode(String seed) throws IOException {
        byte[] bytes = resource(SESSIONS + seed);
        Session session = new Session();
        ChunkDecoder decoder = new ChunkDecoder(session, ChunkStreamFuzzTest.MAX_MESSAGE_BYTES,
                ChunkStreamFuzzTest.MAX_CHUNK_SIZE_BYTES, ChunkStreamFuzzTest.MAX_CHUNK_STREAMS);
        decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length);
        session.chunkSizeBytes = decoder.chunkSizeBytes();
        return session;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FuzzSeedsTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, name);
            return in.readAllBytes();
        }
    }

    private static final class Session implements ChunkListener {
        final List<Object> commands = new ArrayList<>();
        int videoMessages;
        int audioMessages;
        int chunkSizeBytes;

        @Override
        public boolean onMessageStart(MessageHeader header, PayloadTarget target) {
            return true;
        }

        @Override
        public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
            switch (header.messageTypeId()) {
                case MessageTypeIds.COMMAND_AMF0, MessageTypeIds.DATA_AMF0 ->
                    commands.add(new Amf0Reader().wrap(buffer, offset, length).readValue());
                case MessageTypeIds.VIDEO -> videoMessages++;
                case MessageTypeIds.AUDIO -> audioMessages++;
                default -> {
                }
            }
        }

        @Override
        public void onMessageAborted(MessageHeader header) {
        }

        @Override
        public String toString() {
            return "commands " + commands + ", video " + videoMessages + ", audio " + audioMessages;
        }
    }
}
