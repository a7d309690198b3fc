package io.ringcast.ingest.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Test listener that copies every delivered message. */
final class RecordingListener implements ChunkListener {
    record Message(int chunkStreamId, long timestampMs, int typeId, int messageStreamId, byte[] payload) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Message m && m.chunkStreamId == chunkStreamId && m.timestampMs == timestampMs &&
                m.typeId == typeId && m.messageStreamId == messageStreamId && Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Message{csid=" + chunkStreamId + ", ts=" + timestampMs + ", type=" + typeId + ", msid=" +
                messageStreamId + ", length=" + payload.length + '}';
        }
    }

    final List<Message> messages = new ArrayList<>();
    final List<Integer> abortedChunkStreams = new ArrayList<>();
    int starts;
    boolean accept = true;
    MutableDirectBuffer targetBuffer;
    int targetOffset;
    DirectBuffer lastBuffer;
    int lastOffset;

    @Override
    public boolean onMessageStart(final MessageHeader header, final PayloadTarget target) {
        starts++;
        if (targetBuffer != null) {
            target.wrap(targetBuffer, targetOffset);
        }
        return accept;
    }

    @Override
    public void onMessage(final MessageHeader header, final DirectBuffer buffer, final int offset, final int length) {
        final byte[] payload = new byte[length];
        buffer.getBytes(offset, payload);
        lastBuffer = buffer;
        lastOffset = offset;
        messages.add(new Message(header.chunkStreamId(), header.timestampMs(), header.messageTypeId(),
            header.messageStreamId(), payload));
    }

    @Override
    public void onMessageAborted(final MessageHeader header) {
        abortedChunkStreams.add(header.chunkStreamId());
    }
}
