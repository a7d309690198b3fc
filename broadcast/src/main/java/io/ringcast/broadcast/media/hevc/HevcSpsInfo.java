package io.ringcast.broadcast.media.hevc;

/**
 * Facts decoded from an H.265 sequence parameter set by {@link HevcSpsParser}; immutable, shareable.
 *
 * @param profileSpace              general_profile_space.
 * @param tierFlag                  general_tier_flag: 0 Main, 1 High.
 * @param profileIdc                general_profile_idc: 1 Main, 2 Main 10, ...
 * @param profileCompatibilityFlags general_profile_compatibility_flag[0..31], flag 0 in the top bit.
 * @param constraintFlags           the 48 bits from general_progressive_source_flag on, in the low bits.
 * @param levelIdc                  general_level_idc: 30 times the level (93 for 3.1).
 * @param chromaFormatIdc           0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
 * @param bitDepthLuma              luma bit depth, 8 to 16.
 * @param bitDepthChroma            chroma bit depth, 8 to 16.
 * @param width                     displayed width in pixels, after the conformance window.
 * @param height                    displayed height in pixels, after the conformance window.
 * @param frameRate                 frames per second from the VUI timing info, or 0 when absent.
 */
public record HevcSpsInfo(int profileSpace, int tierFlag, int profileIdc, int profileCompatibilityFlags,
                          long constraintFlags, int levelIdc, int chromaFormatIdc, int bitDepthLuma,
                          int bitDepthChroma, int width, int height, double frameRate) {
    /**
     * @return true if the SPS carried VUI timing info.
     */
    public boolean hasFrameRate() {
        return frameRate > 0;
    }
}
