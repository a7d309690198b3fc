package io.ringcast.broadcast.media.hevc;

import io.ringcast.broadcast.media.BitReader;
import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;

/**
 * Decodes profile, level, picture size and frame rate from an H.265 sequence parameter set NAL unit (ITU-T H.265
 * 7.3.2.2.1, 7.3.3 profile_tier_level, 7.3.4 scaling_list_data, 7.3.7 st_ref_pic_set, E.2.1 vui_parameters); a
 * reusable instance owned by one thread. Sequence headers are rare, so the result is a new {@link HevcSpsInfo}; the
 * RBSP scratch array is reused.
 * <p>
 * The size is the conformance window's; the frame rate is vui_time_scale / vui_num_units_in_tick when the VUI
 * carries timing info (x265 and hardware encoders write it), else 0.
 */
public final class HevcSpsParser {
    private static final int NAL_HEADER_LENGTH = 2;
    private static final int MAX_SPS_LENGTH = 8192;
    private static final int MAX_SUB_LAYERS = 8;
    private static final int SUB_LAYER_PROFILE_BITS = 88;
    private static final int SUB_LAYER_LEVEL_BITS = 8;
    private static final int CONSTRAINT_BITS = 48;
    private static final int CHROMA_FORMAT_444 = 3;
    private static final int CHROMA_FORMAT_420 = 1;
    private static final int MAX_PICTURE_SIDE = 1 << 16;
    private static final int MAX_BIT_DEPTH_MINUS8 = 8;
    private static final int MAX_POC_LSB_MINUS4 = 12;
    private static final int MAX_DPB_UE = 1 << 16;
    private static final int MAX_LOG2_UE = 32;
    private static final int SCALING_SIZES = 4;
    private static final int SCALING_MATRICES = 6;
    private static final int LARGEST_SCALING_SIZE = 3;
    private static final int MAX_SCALING_COEFFICIENTS = 64;
    private static final int SCALING_DC_FROM_SIZE = 2;
    private static final int MAX_SHORT_TERM_REF_PIC_SETS = 64;
    private static final int MAX_DELTA_POCS = 32;
    private static final int MAX_NEGATIVE_OR_POSITIVE_PICS = 16;
    private static final int MAX_LONG_TERM_REF_PICS = 32;
    private static final int PCM_BIT_DEPTHS_BITS = 8;
    private static final int EXTENDED_SAR = 255;
    private static final int SAR_FIELDS_BITS = 32;
    private static final int VIDEO_FORMAT_BITS = 3;
    private static final int COLOUR_DESCRIPTION_BITS = 24;
    private static final int BYTE_BITS = 8;
    private static final int TIMING_FIELD_BITS = 32;
    private static final int MAX_CONFORMANCE_OFFSET = 1 << 16;

    private final BitReader bits = new BitReader("hevc sps");
    private final int[] numDeltaPocs = new int[MAX_SHORT_TERM_REF_PIC_SETS];

    /**
     * Parses the SPS NAL unit (starting with its 2-byte NAL header) at {@code buffer[offset, offset + length)}.
     *
     * @return the decoded facts.
     * @throws MediaFormatException if it is not an SPS, or is truncated or out of range.
     */
    public HevcSpsInfo parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length <= NAL_HEADER_LENGTH || length > MAX_SPS_LENGTH) {
            throw new MediaFormatException("hevc sps bad length", Integer.toString(length));
        }
        final int nalType = HevcAnnexB.nalType(buffer.getByte(offset));
        if (nalType != HevcAnnexB.NAL_SPS) {
            throw new MediaFormatException("hevc sps wrong nal unit type", Integer.toString(nalType));
        }
        bits.wrapRbsp(buffer, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH);

        bits.skipBits(4);
        final int maxSubLayersMinus1 = bits.readUnsigned(3);
        if (maxSubLayersMinus1 >= MAX_SUB_LAYERS - 1) {
            throw new MediaFormatException("hevc sps value out of range", "sps_max_sub_layers_minus1");
        }
        bits.skipBits(1);
        final int profileSpace = bits.readUnsigned(2);
        final int tierFlag = bits.readUnsigned(1);
        final int profileIdc = bits.readUnsigned(5);
        final int compatibility = (int)bits.readBits(Integer.SIZE);
        final long constraints = (bits.readBits(CONSTRAINT_BITS - Integer.SIZE) << Integer.SIZE)
            | bits.readBits(Integer.SIZE);
        final int levelIdc = bits.readUnsigned(BYTE_BITS);
        skipSubLayers(maxSubLayersMinus1);

        bits.readUe(15, "sps_seq_parameter_set_id");
        final int chromaFormatIdc = bits.readUe(CHROMA_FORMAT_444, "chroma_format_idc");
        boolean separateColourPlane = false;
        if (chromaFormatIdc == CHROMA_FORMAT_444) {
            separateColourPlane = bits.readFlag();
        }
        final int codedWidth = bits.readUe(MAX_PICTURE_SIDE, "pic_width_in_luma_samples");
        final int codedHeight = bits.readUe(MAX_PICTURE_SIDE, "pic_height_in_luma_samples");
        long width = codedWidth;
        long height = codedHeight;
        if (bits.readFlag()) {
            final int chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            final int subWidthC = chromaArrayType == CHROMA_FORMAT_420 || chromaArrayType == 2 ? 2 : 1;
            final int subHeightC = chromaArrayType == CHROMA_FORMAT_420 ? 2 : 1;
            final int left = bits.readUe(MAX_CONFORMANCE_OFFSET, "conf_win_left_offset");
            final int right = bits.readUe(MAX_CONFORMANCE_OFFSET, "conf_win_right_offset");
            final int top = bits.readUe(MAX_CONFORMANCE_OFFSET, "conf_win_top_offset");
            final int bottom = bits.readUe(MAX_CONFORMANCE_OFFSET, "conf_win_bottom_offset");
            width -= (long)subWidthC * (left + right);
            height -= (long)subHeightC * (top + bottom);
        }
        if (width <= 0 || height <= 0) {
            throw new MediaFormatException("hevc sps value out of range", "picture size " + width + "x" + height);
        }
        final int bitDepthLuma = bits.readUe(MAX_BIT_DEPTH_MINUS8, "bit_depth_luma_minus8") + 8;
        final int bitDepthChroma = bits.readUe(MAX_BIT_DEPTH_MINUS8, "bit_depth_chroma_minus8") + 8;
        final int log2MaxPocLsb = bits.readUe(MAX_POC_LSB_MINUS4, "log2_max_pic_order_cnt_lsb_minus4") + 4;
        final boolean orderingInfoForAll = bits.readFlag();
        for (int i = orderingInfoForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
            bits.readUe(MAX_DPB_UE, "sps_max_dec_pic_buffering_minus1");
            bits.readUe(MAX_DPB_UE, "sps_max_num_reorder_pics");
            bits.readUe();
        }
        for (int i = 0; i < 6; i++) {
            bits.readUe(MAX_LOG2_UE, "coding and transform block sizes");
        }
        final boolean scalingListEnabled = bits.readFlag();
        if (scalingListEnabled && bits.readFlag()) {
            skipScalingListData();
        }
        bits.skipBits(2);
        if (bits.readFlag()) {
            bits.skipBits(PCM_BIT_DEPTHS_BITS);
            bits.readUe(MAX_LOG2_UE, "log2_min_pcm_luma_coding_block_size_minus3");
            bits.readUe(MAX_LOG2_UE, "log2_diff_max_min_pcm_luma_coding_block_size");
            bits.skipBits(1);
        }
        final int shortTermSets = bits.readUe(MAX_SHORT_TERM_REF_PIC_SETS, "num_short_term_ref_pic_sets");
        for (int i = 0; i < shortTermSets; i++) {
            skipShortTermRefPicSet(i);
        }
        if (bits.readFlag()) {
            final int longTerm = bits.readUe(MAX_LONG_TERM_REF_PICS, "num_long_term_ref_pics_sps");
            for (int i = 0; i < longTerm; i++) {
                bits.skipBits(log2MaxPocLsb + 1);
            }
        }
        bits.skipBits(2);
        final double frameRate = bits.readFlag() ? readVuiFrameRate() : 0;
        return new HevcSpsInfo(profileSpace, tierFlag, profileIdc, compatibility, constraints, levelIdc,
            chromaFormatIdc, bitDepthLuma, bitDepthChroma, (int)width, (int)height, frameRate);
    }

    /** The sub-layer part of profile_tier_level(1, sps_max_sub_layers_minus1), H.265 7.3.3. */
    private void skipSubLayers(final int maxSubLayersMinus1) {
        int profilePresent = 0;
        int levelPresent = 0;
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent |= bits.readBit() << i;
            levelPresent |= bits.readBit() << i;
        }
        if (maxSubLayersMinus1 > 0) {
            bits.skipBits(2 * (MAX_SUB_LAYERS - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if ((profilePresent & (1 << i)) != 0) {
                bits.skipBits(SUB_LAYER_PROFILE_BITS);
            }
            if ((levelPresent & (1 << i)) != 0) {
                bits.skipBits(SUB_LAYER_LEVEL_BITS);
            }
        }
    }

    /** scaling_list_data(), H.265 7.3.4. */
    private void skipScalingListData() {
        for (int sizeId = 0; sizeId < SCALING_SIZES; sizeId++) {
            final int step = sizeId == LARGEST_SCALING_SIZE ? 3 : 1;
            for (int matrixId = 0; matrixId < SCALING_MATRICES; matrixId += step) {
                if (!bits.readFlag()) {
                    bits.readUe(matrixId, "scaling_list_pred_matrix_id_delta");
                } else {
                    final int coefficients = Math.min(MAX_SCALING_COEFFICIENTS, 1 << (4 + (sizeId << 1)));
                    if (sizeId >= SCALING_DC_FROM_SIZE) {
                        bits.readSe();
                    }
                    for (int i = 0; i < coefficients; i++) {
                        bits.readSe();
                    }
                }
            }
        }
    }

    /** st_ref_pic_set(stRpsIdx) as the SPS carries it, H.265 7.3.7; keeps NumDeltaPocs for later sets. */
    private void skipShortTermRefPicSet(final int index) {
        if (index != 0 && bits.readFlag()) {
            bits.skipBits(1);
            bits.readUe(MAX_DPB_UE, "abs_delta_rps_minus1");
            final int reference = numDeltaPocs[index - 1];
            int count = 0;
            for (int j = 0; j <= reference; j++) {
                final boolean usedByCurrentPicture = bits.readFlag();
                if (usedByCurrentPicture || bits.readFlag()) {
                    count++;
                }
            }
            if (count > MAX_DELTA_POCS) {
                throw new MediaFormatException("hevc sps value out of range", "NumDeltaPocs=" + count);
            }
            numDeltaPocs[index] = count;
            return;
        }
        final int negative = bits.readUe(MAX_NEGATIVE_OR_POSITIVE_PICS, "num_negative_pics");
        final int positive = bits.readUe(MAX_NEGATIVE_OR_POSITIVE_PICS, "num_positive_pics");
        for (int i = 0; i < negative + positive; i++) {
            bits.readUe();
            bits.skipBits(1);
        }
        numDeltaPocs[index] = negative + positive;
    }

    /** vui_parameters() up to the timing info, H.265 E.2.1. */
    private double readVuiFrameRate() {
        if (bits.readFlag() && bits.readUnsigned(BYTE_BITS) == EXTENDED_SAR) {
            bits.skipBits(SAR_FIELDS_BITS);
        }
        if (bits.readFlag()) {
            bits.skipBits(1);
        }
        if (bits.readFlag()) {
            bits.skipBits(VIDEO_FORMAT_BITS + 1);
            if (bits.readFlag()) {
                bits.skipBits(COLOUR_DESCRIPTION_BITS);
            }
        }
        if (bits.readFlag()) {
            bits.readUe();
            bits.readUe();
        }
        bits.skipBits(3);
        if (bits.readFlag()) {
            bits.readUe();
            bits.readUe();
            bits.readUe();
            bits.readUe();
        }
        if (!bits.readFlag()) {
            return 0;
        }
        final long numUnitsInTick = bits.readBits(TIMING_FIELD_BITS);
        final long timeScale = bits.readBits(TIMING_FIELD_BITS);
        return numUnitsInTick == 0 ? 0 : (double)timeScale / numUnitsInTick;
    }
}
