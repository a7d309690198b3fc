package io.ringcast.perf.jmh;

import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.hls.TsMuxer;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * MPEG-TS muxing of one frame, as the HLS segmenter runs it per frame: H.264 from AVCC to Annex B behind an AUD
 * (plus SPS/PPS before a keyframe), AAC behind an ADTS header, then the PES header and 188-byte TS packets appended
 * to the reused segment buffer. The frame is read in place from a direct buffer, as from the track's payload ring.
 * A new segment starts (PAT/PMT) whenever the buffer holds {@link #SEGMENT_BYTES}, about a 2 s segment at
 * 16 Mbit/s, so that cost is spread as in a live stream. 0 B/op with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TsMuxBenchmark {
    private static final int SEGMENT_BYTES = 4 << 20;
    private static final int FRAME_DURATION_MS = 33;

    @Param
    public SampleFrame frame;

    private AvcDecoderConfigurationRecord avc;
    private AudioSpecificConfig aac;
    private TsMuxer muxer;
    private UnsafeBuffer payload;
    private long timestampMs;

    @Setup(Level.Trial)
    public void setUp() {
        // The configuration records, as ingest parses them once per sequence header (MediaFormatException if not).
        avc = AvcDecoderConfigurationRecord.parse(
                new UnsafeBuffer(SampleFrame.AVC_SEQUENCE_HEADER), 0, SampleFrame.AVC_SEQUENCE_HEADER.length);
        aac = AudioSpecificConfig.parse(
                new UnsafeBuffer(SampleFrame.AAC_SEQUENCE_HEADER), 0, SampleFrame.AAC_SEQUENCE_HEADER.length);
        // Room for the last frame past the cut-over point, so the segment buffer never grows while measured.
        muxer = new TsMuxer(2 * SEGMENT_BYTES);
        muxer.startSegment(true, true);
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(frame.bytes));
        frame.writeBody(payload, 0);
    }

    @Benchmark
    public int muxFrame() {
        if (muxer.length() >= SEGMENT_BYTES) {
            muxer.startSegment(true, true);
        }
        long timestamp = timestampMs;
        timestampMs = timestamp + FRAME_DURATION_MS;
        int header = frame.headerLength();
        boolean muxed = frame.kind == TrackKind.VIDEO
                ? muxer.writeVideo(avc, payload, header, frame.bytes - header, timestamp, 0, frame.keyframe)
                : muxer.writeAudio(aac, payload, header, frame.bytes - header, timestamp);
        return muxed ? muxer.length() : -1;
    }
}
