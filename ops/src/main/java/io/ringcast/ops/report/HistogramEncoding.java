package io.ringcast.ops.report;

import java.util.Arrays;

/**
 * Constants of HdrHistogram's V2 compressed encoding as {@code HistogramLogWriter} writes it: base64 (RFC 4648
 * section 4) of a cookie and a length (4 bytes each, big-endian), then that many bytes of zlib.
 */
final class HistogramEncoding {
    /** Low bits of a cookie carry the word size; compare cookies under this mask. */
    static final int COOKIE_BASE_MASK = ~0xf0;
    static final int V2_ENCODING_COOKIE = 0x1c849303;
    static final int V2_COMPRESSED_COOKIE = 0x1c849304;
    /** Cookie and length before the zlib bytes. */
    static final int COMPRESSED_HEADER_BYTES = 8;
    /** Value of each base64 character, -1 for bytes that are none. */
    static final int[] BASE64_VALUES = new int[256];

    static {
        Arrays.fill(BASE64_VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64_VALUES[alphabet.charAt(i)] = i;
        }
    }

    private HistogramEncoding() {
    }
}
