package io.ringcast.broadcast.hls;

import org.agrona.MutableDirectBuffer;

/**
 * Writes PES packet headers (ISO 13818-1 2.4.3.6) with PTS, or PTS and DTS, in front of elementary stream bytes
 * already in a buffer. Stateless; called by the segmenter thread.
 *
 * <pre>
 * +-----------+----------+------------------+------------+----------+-----------------+-------------+---------+
 * | 00 00 01  | stream_id| PES_packet_length| 10 00 0 1 00| PTS_DTS  | header_data_len | PTS (5)     | DTS (5) |
 * |           |  (8)     |  (16, 0=unbounded)| align=1     | flags(2)+0|  (8)            | 001x ...    | 0001 ...|
 * +-----------+----------+------------------+------------+----------+-----------------+-------------+---------+
 * timestamp (5 bytes): prefix(4) ts[32..30] 1 | ts[29..15] 1 | ts[14..0] 1
 * </pre>
 */
public final class PesHeader {
    public static final int STREAM_ID_VIDEO = 0xE0;
    public static final int STREAM_ID_AUDIO = 0xC0;
    public static final int TIMESTAMP_LENGTH = 5;
    /** Start code prefix, stream id, PES_packet_length, two flag bytes, PES_header_data_length. */
    public static final int FIXED_LENGTH = 9;
    public static final int MAX_LENGTH = FIXED_LENGTH + 2 * TIMESTAMP_LENGTH;
    /** Bytes after PES_packet_length that it counts before the optional fields. */
    private static final int LENGTH_COUNTED_FIXED = 3;
    private static final int MAX_BOUNDED_PES_PACKET_LENGTH = 0xFFFF;
    /** '10', not scrambled, no priority, data_alignment_indicator 1, no copyright, copy. */
    private static final int FLAGS_1 = 0x84;
    private static final int PTS_ONLY = 0x80;
    private static final int PTS_AND_DTS = 0xC0;
    private static final int PREFIX_PTS_ONLY = 0x2;
    private static final int PREFIX_PTS_WITH_DTS = 0x3;
    private static final int PREFIX_DTS = 0x1;
    /** PTS and DTS are 33-bit counters of a 90 kHz clock. */
    public static final long TIMESTAMP_MASK = (1L << 33) - 1;

    private PesHeader() {
    }

    /** Header length for PTS only or PTS and DTS. */
    public static int length(boolean withDts) {
        return FIXED_LENGTH + (withDts ? 2 * TIMESTAMP_LENGTH : TIMESTAMP_LENGTH);
    }

    /**
     * Writes the header so that it ends at {@code esOffset}.
     *
     * @param dts90k    decode time, or -1 for PTS only
     * @param bounded   write the real PES_packet_length (must fit 16 bits); otherwise 0, allowed for video
     * @return where the header starts
     */
    public static int writeBefore(MutableDirectBuffer buffer, int esOffset, int esLength, int streamId, long pts90k,
                                  long dts90k, boolean bounded) {
        boolean withDts = dts90k >= 0;
        int headerLength = length(withDts);
        int start = esOffset - headerLength;
        int packetLength = LENGTH_COUNTED_FIXED + (headerLength - FIXED_LENGTH) + esLength;
        assert !bounded || packetLength <= MAX_BOUNDED_PES_PACKET_LENGTH : "PES too long: " + packetLength;
        buffer.putByte(start, (byte) 0);
        buffer.putByte(start + 1, (byte) 0);
        buffer.putByte(start + 2, (byte) 1);
        buffer.putByte(start + 3, (byte) streamId);
        int lengthField = bounded ? packetLength : 0;
        buffer.putByte(start + 4, (byte) (lengthField >> 8));
        buffer.putByte(start + 5, (byte) lengthField);
        buffer.putByte(start + 6, (byte) FLAGS_1);
        buffer.putByte(start + 7, (byte) (withDts ? PTS_AND_DTS : PTS_ONLY));
        buffer.putByte(start + 8, (byte) (headerLength - FIXED_LENGTH));
        putTimestamp(buffer, start + FIXED_LENGTH, withDts ? PREFIX_PTS_WITH_DTS : PREFIX_PTS_ONLY, pts90k);
        if (withDts) {
            putTimestamp(buffer, start + FIXED_LENGTH + TIMESTAMP_LENGTH, PREFIX_DTS, dts90k);
        }
        return start;
    }

    /** Whether a PES with this much elementary stream data can carry its real length. */
    public static boolean fitsBounded(int esLength, boolean withDts) {
        return LENGTH_COUNTED_FIXED + length(withDts) - FIXED_LENGTH + esLength <= MAX_BOUNDED_PES_PACKET_LENGTH;
    }

    private static void putTimestamp(MutableDirectBuffer buffer, int at, int prefix, long ts) {
        long t = ts & TIMESTAMP_MASK;
        buffer.putByte(at, (byte) ((prefix << 4) | (int) ((t >>> 29) & 0x0E) | 1));
        buffer.putByte(at + 1, (byte) (t >>> 22));
        buffer.putByte(at + 2, (byte) (((t >>> 14) & 0xFE) | 1));
        buffer.putByte(at + 3, (byte) (t >>> 7));
        buffer.putByte(at + 4, (byte) (((t << 1) & 0xFE) | 1));
    }
}
