package io.ringcast.broadcast.media.avc;

import io.ringcast.broadcast.media.BitReader;
import io.ringcast.broadcast.media.MediaFormatException;
import org.agrona.DirectBuffer;

/**
 * Decodes picture size and frame rate from an H.264 sequence parameter set NAL unit (ITU-T H.264 7.3.2.1.1
 * and E.1.1); a reusable instance owned by one thread. Sequence headers are rare, so the result is a new
 * {@link SpsInfo}; the RBSP scratch array is reused.
 * <p>
 * Handles the high profiles' chroma format and scaling lists, frame cropping in chroma units, field coding
 * (frame_mbs_only_flag = 0), and VUI timing info (frame rate = time_scale / (2 * num_units_in_tick)).
 */
public final class SpsParser {
    private static final int NAL_UNIT_TYPE_SPS = 7;
    private static final int NAL_UNIT_TYPE_MASK = 0x1F;
    private static final int NAL_HEADER_LENGTH = 1;
    private static final int MAX_SPS_LENGTH = 4096;
    private static final int MACROBLOCK_SIZE = 16;
    private static final int MAX_MACROBLOCKS_PER_SIDE = 1 << 12;
    private static final int CHROMA_FORMAT_MONOCHROME = 0;
    private static final int CHROMA_FORMAT_420 = 1;
    private static final int CHROMA_FORMAT_444 = 3;
    private static final int SCALING_LISTS_WITHOUT_444 = 8;
    private static final int SCALING_LISTS_WITH_444 = 12;
    private static final int SMALL_SCALING_LISTS = 6;
    private static final int SMALL_SCALING_LIST_SIZE = 16;
    private static final int LARGE_SCALING_LIST_SIZE = 64;
    private static final int DEFAULT_SCALE = 8;
    private static final int SCALE_MODULUS = 256;
    private static final int MAX_REF_FRAMES_IN_POC_CYCLE = 255;
    private static final int MAX_SMALL_UE = 255;
    private static final int EXTENDED_SAR = 255;
    private static final int SAR_FIELDS_BITS = 32;
    private static final int VIDEO_FORMAT_BITS = 3;
    private static final int COLOUR_DESCRIPTION_BITS = 24;
    private static final int PROFILE_BITS = 8;
    private static final int TIMING_FIELD_BITS = 32;
    private static final int[] HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135};

    private final BitReader bits = new BitReader("sps");

    /**
     * Parses the SPS NAL unit (starting with its NAL header byte) at {@code buffer[offset, offset + length)}.
     *
     * @return the decoded facts.
     * @throws MediaFormatException if it is not an SPS, or is truncated or out of range.
     */
    public SpsInfo parse(final DirectBuffer buffer, final int offset, final int length) {
        if (length <= NAL_HEADER_LENGTH || length > MAX_SPS_LENGTH) {
            throw new MediaFormatException("sps bad length", Integer.toString(length));
        }
        final int nalType = buffer.getByte(offset) & NAL_UNIT_TYPE_MASK;
        if (nalType != NAL_UNIT_TYPE_SPS) {
            throw new MediaFormatException("sps wrong nal unit type", Integer.toString(nalType));
        }
        bits.wrapRbsp(buffer, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH);

        final int profileIdc = bits.readUnsigned(PROFILE_BITS);
        bits.skipBits(PROFILE_BITS);
        final int levelIdc = bits.readUnsigned(PROFILE_BITS);
        bits.readUe(31, "seq_parameter_set_id");
        int chromaFormatIdc = CHROMA_FORMAT_420;
        boolean separateColourPlane = false;
        if (isHighProfile(profileIdc)) {
            chromaFormatIdc = bits.readUe(CHROMA_FORMAT_444, "chroma_format_idc");
            if (chromaFormatIdc == CHROMA_FORMAT_444) {
                separateColourPlane = bits.readFlag();
            }
            bits.readUe(6, "bit_depth_luma_minus8");
            bits.readUe(6, "bit_depth_chroma_minus8");
            bits.readFlag();
            if (bits.readFlag()) {
                skipScalingMatrix(chromaFormatIdc);
            }
        }
        bits.readUe(12, "log2_max_frame_num_minus4");
        final int picOrderCntType = bits.readUe(2, "pic_order_cnt_type");
        if (picOrderCntType == 0) {
            bits.readUe(12, "log2_max_pic_order_cnt_lsb_minus4");
        } else if (picOrderCntType == 1) {
            bits.readFlag();
            bits.readSe();
            bits.readSe();
            final int cycle = bits.readUe(MAX_REF_FRAMES_IN_POC_CYCLE, "num_ref_frames_in_pic_order_cnt_cycle");
            for (int i = 0; i < cycle; i++) {
                bits.readSe();
            }
        }
        bits.readUe(MAX_SMALL_UE, "max_num_ref_frames");
        bits.readFlag();
        final int widthInMbs = bits.readUe(MAX_MACROBLOCKS_PER_SIDE, "pic_width_in_mbs_minus1") + 1;
        final int heightInMapUnits = bits.readUe(MAX_MACROBLOCKS_PER_SIDE, "pic_height_in_map_units_minus1") + 1;
        final boolean frameMbsOnly = bits.readFlag();
        if (!frameMbsOnly) {
            bits.readFlag();
        }
        bits.readFlag();
        final int frameHeightFactor = frameMbsOnly ? 1 : 2;
        int width = widthInMbs * MACROBLOCK_SIZE;
        int height = heightInMapUnits * MACROBLOCK_SIZE * frameHeightFactor;
        if (bits.readFlag()) {
            final int chromaArrayType = separateColourPlane ? CHROMA_FORMAT_MONOCHROME : chromaFormatIdc;
            final int cropUnitX = chromaArrayType == CHROMA_FORMAT_MONOCHROME ? 1 : subWidthC(chromaArrayType);
            final int cropUnitY = (chromaArrayType == CHROMA_FORMAT_MONOCHROME ? 1 : subHeightC(chromaArrayType)) *
                frameHeightFactor;
            final long left = bits.readUe();
            final long right = bits.readUe();
            final long top = bits.readUe();
            final long bottom = bits.readUe();
            final long croppedWidth = width - (left + right) * cropUnitX;
            final long croppedHeight = height - (top + bottom) * cropUnitY;
            if (croppedWidth <= 0 || croppedHeight <= 0) {
                throw new MediaFormatException("sps value out of range", "frame cropping");
            }
            width = (int)croppedWidth;
            height = (int)croppedHeight;
        }
        final double frameRate = bits.readFlag() ? readVuiFrameRate() : 0;
        return new SpsInfo(profileIdc, levelIdc, chromaFormatIdc, width, height, frameRate);
    }

    private double readVuiFrameRate() {
        if (bits.readFlag()) {
            if (bits.readUnsigned(PROFILE_BITS) == EXTENDED_SAR) {
                bits.skipBits(SAR_FIELDS_BITS);
            }
        }
        if (bits.readFlag()) {
            bits.readFlag();
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
        if (!bits.readFlag()) {
            return 0;
        }
        final long numUnitsInTick = bits.readBits(TIMING_FIELD_BITS);
        final long timeScale = bits.readBits(TIMING_FIELD_BITS);
        return numUnitsInTick == 0 ? 0 : timeScale / (2.0 * numUnitsInTick);
    }

    private void skipScalingMatrix(final int chromaFormatIdc) {
        final int lists = chromaFormatIdc != CHROMA_FORMAT_444 ? SCALING_LISTS_WITHOUT_444 : SCALING_LISTS_WITH_444;
        for (int i = 0; i < lists; i++) {
            if (bits.readFlag()) {
                final int size = i < SMALL_SCALING_LISTS ? SMALL_SCALING_LIST_SIZE : LARGE_SCALING_LIST_SIZE;
                int lastScale = DEFAULT_SCALE;
                int nextScale = DEFAULT_SCALE;
                for (int j = 0; j < size; j++) {
                    if (nextScale != 0) {
                        final long deltaScale = bits.readSe();
                        nextScale = (int)Math.floorMod(lastScale + deltaScale, (long)SCALE_MODULUS);
                    }
                    lastScale = nextScale == 0 ? lastScale : nextScale;
                }
            }
        }
    }

    private static boolean isHighProfile(final int profileIdc) {
        for (final int high : HIGH_PROFILES) {
            if (high == profileIdc) {
                return true;
            }
        }
        return false;
    }

    private static int subWidthC(final int chromaArrayType) {
        return chromaArrayType == CHROMA_FORMAT_444 ? 1 : 2;
    }

    private static int subHeightC(final int chromaArrayType) {
        return chromaArrayType == CHROMA_FORMAT_420 ? 2 : 1;
    }
}
