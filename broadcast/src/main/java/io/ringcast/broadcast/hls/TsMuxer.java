package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.media.aac.AdtsHeader;
import io.ringcast.broadcast.media.aac.AudioSpecificConfig;
import io.ringcast.broadcast.media.avc.AnnexB;
import io.ringcast.broadcast.media.avc.AvcDecoderConfigurationRecord;
import io.ringcast.broadcast.media.hevc.HevcAnnexB;
import io.ringcast.broadcast.media.hevc.HevcDecoderConfigurationRecord;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.ByteOrder;

/**
 * Muxes H.264 (AVCC), H.265 (HVCC) and AAC (raw) frames into MPEG-TS segments: PAT/PMT at each segment start, one
 * PES per frame, H.264 as Annex B with an AUD per access unit and SPS/PPS before every keyframe, H.265 (stream type
 * 0x24) likewise with its AUD (NAL type 35) and VPS/SPS/PPS before every IRAP picture, AAC behind ADTS headers, PCR on
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
    /** H.265 access unit delimiter: start code, NAL header (type 35, layer 0, temporal id 0), pic_type 2 + stop bit. */
    private static final byte[] HEVC_AUD = {0, 0, 0, 1, HevcAnnexB.NAL_AUD << 1, 0x01, 0x50};
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
        startSegment(withVideo ? PsiWriter.STREAM_TYPE_H264 : PsiWriter.NO_VIDEO, withAudio);
    }

    /**
     * Starts a new segment whose video is of {@code videoStreamType} ({@link PsiWriter#STREAM_TYPE_H264},
     * {@link PsiWriter#STREAM_TYPE_HEVC}, or {@link PsiWriter#NO_VIDEO}).
     */
    public void startSegment(int videoStreamType, boolean withAudio) {
        boolean withVideo = videoStreamType != PsiWriter.NO_VIDEO;
        if (!withVideo && !withAudio) {
            throw new IllegalArgumentException("a segment needs video or audio");
        }
        video = withVideo;
        audio = withAudio;
        packets.reset();
        psi.write(packets, videoStreamType, withAudio);
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
        return writeVideoPes(toAnnexB(config, data, offset, length, keyframe), dtsMs, compositionTimeMs, keyframe);
    }

    /**
     * Appends one H.265 access unit: an AUD, the VPS/SPS/PPS before a keyframe (an IRAP picture), then the NAL
     * units without their own AUDs and, before a keyframe, parameter sets.
     *
     * @param config the track's parsed record (NAL length size, VPS/SPS/PPS as Annex B), from its format
     * @param data   HVCC NAL units (each behind a big-endian length of {@code config.nalUnitLengthSize()} bytes)
     * @return false, writing nothing, when a NAL length runs past the frame
     */
    public boolean writeHevc(HevcDecoderConfigurationRecord config, DirectBuffer data, int offset, int length,
                             long dtsMs, int compositionTimeMs, boolean keyframe) {
        assert video : "segment has no video track";
        ExpandableArrayBuffer out = es;
        out.putBytes(ES_START, HEVC_AUD);
        int at = ES_START + HEVC_AUD.length;
        if (keyframe) {
            byte[] sets = config.parameterSetsAnnexB();
            out.putBytes(at, sets);
            at += sets.length;
        }
        int end = HevcAnnexB.convert(data, offset, length, config.nalUnitLengthSize(), out, at, keyframe);
        return writeVideoPes(end, dtsMs, compositionTimeMs, keyframe);
    }

    /** Wraps the Annex B access unit at ES_START..end of the scratch in a PES; false when end is -1 (malformed). */
    private boolean writeVideoPes(int end, long dtsMs, int compositionTimeMs, boolean keyframe) {
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
