package io.ringcast.broadcast.media.avc;

/**
 * Facts decoded from an H.264 sequence parameter set by {@link SpsParser}; immutable, shareable.
 *
 * @param profileIdc      profile_idc, e.g. 100 for High.
 * @param levelIdc        level_idc, e.g. 31 for 3.1.
 * @param chromaFormatIdc 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
 * @param width           displayed width in pixels, after frame cropping.
 * @param height          displayed height in pixels, after frame cropping.
 * @param frameRate       frames per second from the VUI timing info, or 0 when absent.
 */
public record SpsInfo(int profileIdc, int levelIdc, int chromaFormatIdc, int width, int height, double frameRate) {
    /**
     * @return true if the SPS carried VUI timing info.
     */
    public boolean hasFrameRate() {
        return frameRate > 0;
    }
}
