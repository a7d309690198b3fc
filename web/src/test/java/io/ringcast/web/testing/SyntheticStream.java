package io.ringcast.web.testing;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.track.Codec;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A publisher of synthetic AVC + AAC frames shaped like FLV tag bodies, straight into the engine (no RTMP).
 * Owned by the test thread that publishes.
 */
public final class SyntheticStream implements AutoCloseable {
    public static final int AVC_HEADER_BYTES = 5;
    public static final int AAC_HEADER_BYTES = 2;
    /** FLV video body: keyframe+AVC, packet type 0 (sequence header), cts 0, then a small configuration record. */
    public static final byte[] AVC_SEQUENCE_HEADER = bytes(0x17, 0x00, 0, 0, 0,
            0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01, 0x00, 0x04, 0x68, 0xee,
            0x3c, 0x80);
    /** FLV audio body: AAC 44.1 kHz stereo, packet type 0, AudioSpecificConfig for AAC-LC 44.1 kHz stereo. */
    public static final byte[] AAC_SEQUENCE_HEADER = bytes(0xaf, 0x00, 0x12, 0x10);
    /** AMF0 "onMetaData" followed by an ECMA array {width: 640}. */
    public static final byte[] METADATA = onMetaData();

    private final StreamPublisher publisher;

    /** Starts publishing {@code path} with metadata and both sequence headers (as formats and as frames). */
    public SyntheticStream(Engine engine, String path) {
        publisher = engine.streams().publish(StreamPath.parse(path), new PublisherInfo("test", "127.0.0.1:1935",
                1_700_000_000_000L), false);
        if (publisher == null) {
            throw new IllegalStateException(path + " already has a publisher");
        }
        publisher.updateMetadata(METADATA);
        publisher.updateFormat(new TrackFormat(Codec.AVC, AVC_SEQUENCE_HEADER, AVC_HEADER_BYTES, 640, 360, 0, 0));
        publisher.updateFormat(new TrackFormat(Codec.AAC, AAC_SEQUENCE_HEADER, AAC_HEADER_BYTES, 0, 0, 44_100, 2));
        publish(TrackKind.VIDEO, AVC_SEQUENCE_HEADER, true, true, 0);
        publish(TrackKind.AUDIO, AAC_SEQUENCE_HEADER, false, true, 0);
    }

    public StreamPublisher publisher() {
        return publisher;
    }

    public void video(byte[] body, boolean keyframe, long timestampMs) {
        publish(TrackKind.VIDEO, body, keyframe, false, timestampMs);
    }

    /**
     * Publishes a (new) video sequence header frame, as a publisher does when its codec configuration changes: the
     * track's format first (its record parsed once here, as ingest does), then the frame that carries it.
     */
    public void videoSequenceHeader(byte[] body, long timestampMs) {
        publisher.updateFormat(new TrackFormat(Codec.AVC, body, AVC_HEADER_BYTES, 640, 360, 0, 0));
        publish(TrackKind.VIDEO, body, true, true, timestampMs);
    }

    public void audio(byte[] body, long timestampMs) {
        publish(TrackKind.AUDIO, body, false, false, timestampMs);
    }

    /**
     * A video frame body numbered {@code index}: FLV AVC header (NALU packet, cts 0), one NAL unit with a 4-byte
     * length whose data starts with the index and continues with a pattern derived from it.
     */
    public static byte[] videoFrame(int index, boolean keyframe, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, AVC_HEADER_BYTES + 8));
        b.put((byte) (keyframe ? 0x17 : 0x27)).put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putInt(b.capacity() - AVC_HEADER_BYTES - 4);
        fill(b, index);
        return b.array();
    }

    /** An audio frame body numbered {@code index}: FLV AAC header (raw), then the index and a pattern. */
    public static byte[] audioFrame(int index, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, AAC_HEADER_BYTES + 4));
        b.put((byte) 0xaf).put((byte) 1);
        fill(b, index);
        return b.array();
    }

    /** The index a {@link #videoFrame} carries. */
    public static int videoIndex(byte[] body) {
        return ByteBuffer.wrap(body).getInt(AVC_HEADER_BYTES + 4);
    }

    private static void fill(ByteBuffer b, int index) {
        b.putInt(index);
        while (b.hasRemaining()) {
            b.put((byte) (index * 31 + b.position()));
        }
    }

    private void publish(TrackKind kind, byte[] body, boolean keyframe, boolean sequenceHeader, long timestampMs) {
        TrackRing ring = publisher.track(kind);
        long position = ring.reserve(body.length);
        ring.payloadBuffer().putBytes(ring.offsetOf(position), body, 0, body.length);
        Codec codec = kind == TrackKind.VIDEO ? Codec.AVC : Codec.AAC;
        int headerLength = kind == TrackKind.VIDEO ? AVC_HEADER_BYTES : AAC_HEADER_BYTES;
        publisher.publish(kind, position, body.length, headerLength, codec, keyframe, sequenceHeader, timestampMs,
                0, System.nanoTime());
    }

    @Override
    public void close() {
        publisher.close();
    }

    private static byte[] onMetaData() {
        ByteBuffer b = ByteBuffer.allocate(64);
        byte[] name = "onMetaData".getBytes(StandardCharsets.US_ASCII);
        b.put((byte) 0x02).putShort((short) name.length).put(name);
        byte[] key = "width".getBytes(StandardCharsets.US_ASCII);
        b.put((byte) 0x08).putInt(1).putShort((short) key.length).put(key).put((byte) 0x00).putDouble(640.0);
        b.put((byte) 0).put((byte) 0).put((byte) 0x09);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
