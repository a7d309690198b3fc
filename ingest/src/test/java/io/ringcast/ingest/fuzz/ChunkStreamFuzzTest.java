package io.ringcast.ingest.fuzz;

import static io.ringcast.ingest.fuzz.FuzzChecks.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.fuzz.Amf0FuzzTest;
import io.ringcast.broadcast.fuzz.AudioTagFuzzTest;
import io.ringcast.broadcast.fuzz.VideoTagFuzzTest;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.ingest.RtmpProtocolException;
import io.ringcast.ingest.chunk.ChunkDecoder;
import io.ringcast.ingest.chunk.ChunkListener;
import io.ringcast.ingest.chunk.MessageHeader;
import io.ringcast.ingest.chunk.MessageTypeIds;
import io.ringcast.ingest.chunk.PartialMessageBudget;
import io.ringcast.ingest.chunk.PayloadTarget;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fuzz target for the chunk stream demultiplexer: arbitrary bytes after the handshake, fed in arbitrary pieces,
 * to a listener that at random skips messages, takes them into a payload target of its own or leaves them in the
 * decoder's scratch buffers. Completed command, data and media messages go on to the AMF0 and FLV tag parsers.
 * <p>
 * Invariants: only {@link RtmpProtocolException} (or, from the media parsers, {@link MediaFormatException})
 * escapes; every message is started (control messages excepted),
 * then completed or aborted, with the advertised length; and memory follows the bytes that arrived and stays
 * within the budgets: the decoder's scratch buffers never hold more than the connection's budget, nor more than
 * a minimal buffer per chunk stream plus twice the bytes consumed (they grow by doubling as payload arrives, never
 * by an announced length); the server-wide budget holds exactly what the decoder keeps beyond its unshared
 * allowance, and all of it is given back at the end. A delivered scratch buffer is no larger than its message, or
 * than the few KiB kept between messages; there are no more of them than chunk streams allowed. Seeds: a real
 * ffmpeg publishing session and an OBS-style one ({@code ChunkStreamFuzzTestInputs/decodesAnySplit/}).
 */
class ChunkStreamFuzzTest {
    /** Small enough that the fuzzer reaches the limits with short inputs, large enough for the seeds' frames. */
    static final int MAX_MESSAGE_BYTES = 8 * 1024;
    static final int MAX_CHUNK_SIZE_BYTES = 8 * 1024;
    static final int MAX_CHUNK_STREAMS = 16;
    /** ChunkStream's smallest scratch buffer. */
    private static final int MIN_SCRATCH_BYTES = 256;
    /** ChunkStream keeps no larger scratch buffer between messages. */
    private static final int MAX_RETAINED_SCRATCH_BYTES = 4096;
    /** Reachable with short inputs: a few messages of the maximum length on several chunk streams. */
    static final long MAX_BUFFERED_BYTES = PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION + 16 * 1024;
    private static final int TARGET_SLACK_BYTES = 64;

    @FuzzTest(maxDuration = "30s")
    void decodesAnySplit(FuzzedDataProvider data) {
        fuzzerTestOneInput(data);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        FuzzChecks.Splits splits = new FuzzChecks.Splits(data.consumeLong());
        byte[] bytes = data.consumeRemainingAsBytes();
        UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        CheckingListener listener = new CheckingListener(splits);
        PartialMessageBudget budget = PartialMessageBudget.unlimited();
        ChunkDecoder decoder = new ChunkDecoder(listener, MAX_MESSAGE_BYTES, MAX_CHUNK_SIZE_BYTES, MAX_CHUNK_STREAMS,
                MAX_BUFFERED_BYTES, budget);
        int position = 0;
        int offered = 0;
        try {
            while (position < bytes.length) {
                int length = splits.next(bytes.length - position);
                offered = position + length;
                check(decoder.decode(buffer, position, length) == length, "decode consumes every byte");
                position += length;
                check(decoder.chunkSizeBytes() <= MAX_CHUNK_SIZE_BYTES, "chunk size within the limit");
                checkBuffered(decoder, budget, offered);
            }
            check(decoder.bytesConsumed() == bytes.length, "bytes consumed are counted");
        } catch (RtmpProtocolException expected) {
            check(expected.reason() != null, "a protocol exception has a reason");
            checkBuffered(decoder, budget, offered); // a decode that throws counts no byte as consumed
        }
        decoder.releaseBuffers();
        check(decoder.bufferedBytes() == 0 && budget.reservedBytes() == 0, "every byte is given back at the end");
    }

    /** Memory held follows the bytes consumed and stays within the budgets. */
    private static void checkBuffered(ChunkDecoder decoder, PartialMessageBudget budget, long receivedBytes) {
        long buffered = decoder.bufferedBytes();
        check(buffered <= MAX_BUFFERED_BYTES, "scratch of " + buffered + " bytes above the connection's budget");
        check(buffered <= (long) MAX_CHUNK_STREAMS * MIN_SCRATCH_BYTES + 2 * receivedBytes,
                "scratch of " + buffered + " bytes for " + receivedBytes + " bytes received");
        check(budget.reservedBytes() == Math.max(0, buffered - PartialMessageBudget.UNSHARED_BYTES_PER_CONNECTION),
                "the server-wide budget holds what is beyond the unshared allowance");
    }

    /** Chooses payload destinations at random and checks what the decoder delivers. */
    private static final class CheckingListener implements ChunkListener {
        private final FuzzChecks.Splits choices;
        private final UnsafeBuffer target = new UnsafeBuffer(new byte[MAX_MESSAGE_BYTES + TARGET_SLACK_BYTES]);
        private final Set<Integer> started = new HashSet<>();
        private final IdentityHashMap<DirectBuffer, Boolean> scratchBuffers = new IdentityHashMap<>();

        CheckingListener(FuzzChecks.Splits choices) {
            this.choices = choices;
        }

        @Override
        public boolean onMessageStart(MessageHeader header, PayloadTarget payloadTarget) {
            check(!MessageTypeIds.isControl(header.messageTypeId()), "control messages are not announced");
            check(header.messageLength() <= MAX_MESSAGE_BYTES, "announced message within the limit");
            check(started.add(header.chunkStreamId()), "one message at a time per chunk stream");
            switch (choices.nextInt(4)) {
                case 0:
                    started.remove(header.chunkStreamId());
                    return false;
                case 1:
                    payloadTarget.wrap(target, choices.nextInt(TARGET_SLACK_BYTES));
                    return true;
                default:
                    return true;
            }
        }

        @Override
        public void onMessage(MessageHeader header, DirectBuffer buffer, int offset, int length) {
            boolean control = MessageTypeIds.isControl(header.messageTypeId());
            check(control || started.remove(header.chunkStreamId()), "completed messages were started");
            check(length == header.messageLength() && length <= MAX_MESSAGE_BYTES, "advertised length");
            check(offset >= 0 && offset + length <= buffer.capacity(), "payload within the buffer");
            if (buffer != target) {
                check(buffer.capacity() <= Math.max(MAX_RETAINED_SCRATCH_BYTES, length),
                        "scratch buffer of " + buffer.capacity() + " bytes for a message of " + length);
                scratchBuffers.put(buffer, Boolean.TRUE);
                check(scratchBuffers.size() <= MAX_CHUNK_STREAMS, "at most one scratch buffer per chunk stream");
            }
            parsePayload(header.messageTypeId(), buffer, offset, length);
        }

        @Override
        public void onMessageAborted(MessageHeader header) {
            check(started.remove(header.chunkStreamId()), "aborted messages were started");
        }

        /**
         * The media-format parsers have targets of their own (broadcast's fuzz package); here they get real
         * reassembled messages, and refuse them as the connection would see it.
         */
        private static void parsePayload(int typeId, DirectBuffer buffer, int offset, int length) {
            try {
                switch (typeId) {
                    case MessageTypeIds.COMMAND_AMF0, MessageTypeIds.DATA_AMF0 ->
                        Amf0FuzzTest.readAll(buffer, offset, length);
                    case MessageTypeIds.VIDEO -> VideoTagFuzzTest.parse(buffer, offset, length);
                    case MessageTypeIds.AUDIO -> AudioTagFuzzTest.parse(buffer, offset, length);
                    default -> {
                    }
                }
            } catch (MediaFormatException expected) {
                check(expected.reason() != null, "a format exception has a reason");
            }
        }
    }
}
