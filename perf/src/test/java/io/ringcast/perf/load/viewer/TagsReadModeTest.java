package io.ringcast.perf.load.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.perf.load.flv.HttpUrl;
import io.ringcast.perf.load.media.FlvBytes;
import io.ringcast.perf.load.rtmp.ChunkBytes;
import io.ringcast.perf.load.rtmp.RtmpClientHandshake;
import io.ringcast.perf.load.rtmp.RtmpUrl;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Viewers in {@link ReadMode#TAGS}, fed a known server byte stream one read at a time with each read as large as the
 * viewer asks: the sizes asked for, and the same frames as one bulk read of everything.
 */
@Timeout(10)
class TagsReadModeTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 8080);
    private static final String HEAD = """
            HTTP/1.1 200 OK\r
            Content-Type: video/x-flv\r
            Transfer-Encoding: chunked\r
            \r
            """;
    private static final int VIDEO_CSID = 6;
    private static final int AUDIO_CSID = 4;
    private static final int STREAM_ID = 1;

    @Test
    void shouldReadTheHttpHeadInBulkThenEachFlvUnitWithTheLeastChunkFramingBeforeIt() {
        byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
        byte[] flv = FlvBytes.withHeader().tag(9, 0, FlvBytes.avcFrame(true, 100)).tag(8, 0, FlvBytes.aacFrame(10))
                .tag(9, 33, FlvBytes.avcFrame(false, 50)).toByteArray();
        byte[] body = chunked(flv, 13, 124, 27, 74);

        HttpFlvViewerConnection tags = httpFlvViewer(ReadMode.TAGS);
        List<Integer> wanted = readAsAsked(tags, head);
        wanted.addAll(readAsAsked(tags, body));

        assertEquals(List.of(ViewerLoop.READ_BUFFER_BYTES, 16, 16, 1, 113, 16, 1, 16, 16, 1, 63), wanted,
                "head; d CRLF + 13; CRLF 7c CRLF + 10 of the tag header, its last byte, body + 4; ...");
        HttpFlvViewerConnection bulk = httpFlvViewer(ReadMode.BULK);
        readAll(bulk, concat(head, body));
        assertSameFrames(bulk, tags, 2, 1);
    }

    @Test
    void shouldReadEachRtmpHandshakePacketThenEachChunkHeaderPartAndPayload() {
        ChunkBytes chunks = new ChunkBytes();
        byte[] connected = amf("_result", 1, null, null);
        chunks.fmt0(3, 0, connected.length, MessageTypeIds.COMMAND_AMF0, 0).bytes(connected, 0, connected.length);
        byte[] created = amf("_result", 2, null, (double) STREAM_ID);
        chunks.fmt0(3, 0, created.length, MessageTypeIds.COMMAND_AMF0, 0).bytes(created, 0, created.length);
        byte[] keyframe = FlvBytes.avcFrame(true, 300);
        chunks.fmt0(VIDEO_CSID, 0, keyframe.length, MessageTypeIds.VIDEO, STREAM_ID).bytes(keyframe, 0, 128);
        chunks.fmt3(VIDEO_CSID).bytes(keyframe, 128, 128);
        chunks.fmt3(VIDEO_CSID).bytes(keyframe, 256, keyframe.length - 256);
        byte[] audio = FlvBytes.aacFrame(10);
        chunks.fmt0(AUDIO_CSID, 0, audio.length, MessageTypeIds.AUDIO, STREAM_ID).bytes(audio, 0, audio.length);
        byte[] inter = FlvBytes.avcFrame(false, 50);
        chunks.fmt1(VIDEO_CSID, 33, inter.length, MessageTypeIds.VIDEO).bytes(inter, 0, inter.length);
        byte[] handshake = new byte[RtmpClientHandshake.SERVER_RESPONSE_LENGTH];
        handshake[0] = 3;
        byte[] wire = concat(handshake, chunks.toByteArray());

        RtmpViewerConnection tags = rtmpViewer(ReadMode.TAGS);
        List<Integer> wanted = readAsAsked(tags, wire);

        assertEquals(List.of(1, 1536, 1536, 1, 11, 21, 1, 11, 29, 1, 11, 128, 1, 128, 1, 53, 1, 11, 12, 1, 7, 59),
                wanted, "S0, S1, S2; per chunk: basic header, message header of its fmt, payload up to 128 bytes");
        RtmpViewerConnection bulk = rtmpViewer(ReadMode.BULK);
        readAll(bulk, wire);
        assertSameFrames(bulk, tags, 2, 1);
    }

    /** Reads as a socket with all of {@code wire} waiting would: each read as large as asked, or what is left. */
    private static List<Integer> readAsAsked(ViewerConnection viewer, byte[] wire) {
        List<Integer> wanted = new ArrayList<>();
        UnsafeBuffer buffer = new UnsafeBuffer(wire);
        for (int position = 0; position < wire.length; ) {
            int bytes = viewer.bytesWantedNext();
            assertTrue(bytes > 0, "asks for nothing at byte " + position);
            wanted.add(bytes);
            int read = Math.min(bytes, wire.length - position);
            viewer.onBytes(buffer, position, read, 0);
            position += read;
        }
        return wanted;
    }

    private static void readAll(ViewerConnection viewer, byte[] wire) {
        viewer.onBytes(new UnsafeBuffer(wire), 0, wire.length, 0);
    }

    private static void assertSameFrames(ViewerConnection bulk, ViewerConnection tags, int video, int audio) {
        assertFalse(tags.isEnded(), tags.endDetail());
        assertEquals(video, bulk.frameTracker().videoFrames());
        assertEquals(audio, bulk.frameTracker().audioFrames());
        assertEquals(video, tags.frameTracker().videoFrames());
        assertEquals(audio, tags.frameTracker().audioFrames());
        assertTrue(tags.frameTracker().hasFirstKeyframe());
    }

    private static HttpFlvViewerConnection httpFlvViewer(ReadMode mode) {
        return new HttpFlvViewerConnection(new ViewerGroup(Protocol.HTTP_FLV, ViewerMode.HEALTHY, 1),
                HttpUrl.parse("http://127.0.0.1:8080/live/a.flv"), SERVER, settings(mode), new RunWindow(), null);
    }

    private static RtmpViewerConnection rtmpViewer(ReadMode mode) {
        return new RtmpViewerConnection(new ViewerGroup(Protocol.RTMP, ViewerMode.HEALTHY, 1),
                RtmpUrl.parse("rtmp://127.0.0.1:1935/live/a"), SERVER, settings(mode), new RunWindow(), null);
    }

    private static ViewerSettings settings(ReadMode mode) {
        return new ViewerSettings(4096, 20_000, 1_000_000_000L, mode);
    }

    /**
     * {@code data} as the start of a chunked HTTP body in chunks of the given sizes, as a server writes one chunk per
     * flush; the stream goes on, so the last chunk's CRLF is still to come.
     */
    private static byte[] chunked(byte[] data, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int position = 0;
        for (int size : sizes) {
            String crlf = position == 0 ? "" : "\r\n";
            out.writeBytes((crlf + Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, position, size);
            position += size;
        }
        assertEquals(data.length, position);
        return out.toByteArray();
    }

    private static byte[] amf(String name, double transactionId, Object... arguments) {
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        Amf0Writer writer = new Amf0Writer().wrap(buffer, 0).writeString(name).writeNumber(transactionId);
        for (Object argument : arguments) {
            writer.writeValue(argument);
        }
        byte[] bytes = new byte[writer.length()];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
