package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.aac.AdtsHeader;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AnnexB;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;

/**
 * Muxes H.264 (AVCC) and AAC (raw) frames into MPEG-TS segments: PAT/PMT at each segment start, one PES per frame,
 * H.264 as Annex B with an AUD per access unit and SPS/PPS before every keyframe, AAC behind ADTS headers, PCR on
 * the first packet of every PES of the PCR track. Owned by the segmenter thread; the elementary stream scratch and
 * the segment buffer are reused, so at steady state no frame allocates.
 *
 * <p>Timestamps: milliseconds become 90 kHz ticks after adding {@link #TIMESTAMP_OFFSET_MS}, so that the PCR,
 * {@link #PCR_LEAD_MS} before the DTS, never goes negative.
 */
public final class TsMuxer {
    public static final int TICKS_PER_MS = 90;
    public static final long TIMESTAMP_OFFSET_MS = 1_400;
    public static final long PCR_LEAD_MS = 700;
    /** Access unit delimiter: start code, NAL type 9, primary_pic_type 7 (any slice type) + stop bit. */
    private static final byte[] AUD = {0, 0, 0, 1, AnnexB.NAL_AUD, (byte) 0xF0};
    private static final int ES_START = PesHeader.MAX_LENGTH;
    private static final int INITIAL_FRAME_CAPACITY_BYTES = 256 * 1024;

    private final TsPacketWriter packets;
    private final PsiWriter psi = new PsiWriter();
    private final ExpandableArrayBuffer es = new ExpandableArrayBuffer(INITIAL_FRAME_CAPACITY_BYTES);
    private boolean video;
    private boolean audio;

    /** @param initialSegmentCapacityBytes first size of the reused segment buffer; it grows to the largest one */
    public TsMuxer(int initialSegmentCapacityBytes) {
        packets = new TsPacketWriter(initialSegmentCapacityBytes);
    }

    /** Starts a new segment: clears the buffer and writes PAT and a PMT listing the given tracks. */
    public void startSegment(boolean withVideo, boolean withAudio) {
        if (!withVideo && !withAudio) {
            throw new IllegalArgumentException("a segment needs video or audio");
        }
        video = withVideo;
        audio = withAudio;
        packets.reset();
        psi.write(packets, withVideo, withAudio);
    }

    /** Restarts continuity counters (after a discontinuity). */
    public void resetContinuity() {
        packets.resetContinuity();
    }

    /**
     * Appends one H.264 access unit.
     *
     * @param config the track's parsed record (NAL length size, SPS/PPS as Annex B), from its format
     * @param data   AVCC NAL units (each behind a big-endian length of {@code config.nalUnitLengthSize()} bytes)
     * @return false, writing nothing, when a NAL length runs past the frame
     */
    public boolean writeVideo(AvcDecoderConfigurationRecord config, DirectBuffer data, int offset, int length,
                              long dtsMs, int compositionTimeMs, boolean keyframe) {
        assert video : "segment has no video track";
        int end = toAnnexB(config, data, offset, length, keyframe);
        if (end < 0) {
            return false;
        }
        long dts = ticks(dtsMs);
        long pts = ticks(dtsMs + compositionTimeMs);
        int esLength = end - ES_START;
        int start = PesHeader.writeBefore(es, ES_START, esLength, PesHeader.STREAM_ID_VIDEO, pts, dts, false);
        long pcr = (dts - PCR_LEAD_MS * TICKS_PER_MS) & PesHeader.TIMESTAMP_MASK;
        packets.writePes(PsiWriter.VIDEO_PID, es, start, end - start, pcr, keyframe);
        return true;
    }

    /**
     * Appends one raw AAC frame behind an ADTS header.
     *
     * @param config the track's parsed AudioSpecificConfig, which {@link AdtsHeader#canDescribe} accepted
     * @return false, writing nothing, when the frame is too long for ADTS
     */
    public boolean writeAudio(AudioSpecificConfig config, DirectBuffer data, int offset, int length, long ptsMs) {
        assert audio : "segment has no audio track";
        if (length + AdtsHeader.LENGTH > AdtsHeader.MAX_FRAME_LENGTH) {
            return false;
        }
        AdtsHeader.write(es, ES_START, config, length);
        es.putBytes(ES_START + AdtsHeader.LENGTH, data, offset, length);
        int esLength = AdtsHeader.LENGTH + length;
        long pts = ticks(ptsMs);
        int start = PesHeader.writeBefore(es, ES_START, esLength, PesHeader.STREAM_ID_AUDIO, pts, -1, true);
        long pcr = video ? -1 : (pts - PCR_LEAD_MS * TICKS_PER_MS) & PesHeader.TIMESTAMP_MASK;
        packets.writePes(PsiWriter.AUDIO_PID, es, start, ES_START + esLength - start, pcr, !video);
        return true;
    }

    /** Converts to Annex B at {@link #ES_START} of the scratch; returns the end, or -1 when malformed. */
    private int toAnnexB(AvcDecoderConfigurationRecord config, DirectBuffer data, int offset, int length,
                         boolean keyframe) {
        ExpandableArrayBuffer out = es;
        out.putBytes(ES_START, AUD);
        int at = ES_START + AUD.length;
        if (keyframe) {
            byte[] sets = config.parameterSetsAnnexB();
            out.putBytes(at, sets);
            at += sets.length;
        }
        return AnnexB.convert(data, offset, length, config.nalUnitLengthSize(), out, at, keyframe);
    }

    private static long ticks(long ms) {
        return ((ms + TIMESTAMP_OFFSET_MS) * TICKS_PER_MS) & PesHeader.TIMESTAMP_MASK;
    }

    /** The segment so far: {@link #length()} bytes from 0; valid until the next write. */
    public DirectBuffer buffer() {
        return packets.buffer();
    }

    public int length() {
        return packets.length();
    }

    /** A copy of the finished segment (one allocation per segment). */
    public byte[] copySegment() {
        return packets.copy();
    }

    int segmentCapacity() {
        return packets.capacity();
    }
}
