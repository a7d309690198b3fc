package io.ringcast.broadcast.hls;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Splits PES packets and PSI sections into 188-byte transport stream packets (ISO 13818-1 2.4.3.2) appended to
 * an expandable output buffer, keeping one continuity counter per PID. Owned by the segmenter thread; the output
 * buffer is reused for every segment, so after warm-up no packet allocates.
 *
 * <pre>
 * packet header (4 bytes):
 *  +----------+-----+------+-----+-----------+----------+------------+-------------+
 *  | sync 0x47| TEI | PUSI | pri | PID (13)  | scramb(2)| adapt ctl(2)| contin. (4) |
 *  +----------+-----+------+-----+-----------+----------+------------+-------------+
 * adaptation field (when adapt ctl bit 0x2 is set):
 *  +---------+--------------------------------------------------+-----------+-------------+
 *  | length  | disc | RAI | ESPI | PCR | OPCR | splice | priv | ext | PCR (6) if flag | 0xFF stuffing |
 *  +---------+--------------------------------------------------+-----------+-------------+
 * PCR (6 bytes): base(33) reserved(6)=111111 extension(9)
 * </pre>
 *
 * A PES that does not fill its last packet is completed with adaptation field stuffing, never payload padding.
 */
public final class TsPacketWriter {
    public static final int PACKET_LENGTH = 188;
    public static final int HEADER_LENGTH = 4;
    public static final int MAX_PAYLOAD_LENGTH = PACKET_LENGTH - HEADER_LENGTH;
    public static final byte SYNC_BYTE = 0x47;
    public static final int PCR_LENGTH = 6;
    public static final byte STUFFING_BYTE = (byte) 0xFF;
    /** Adaptation field length byte plus flags byte. */
    private static final int ADAPTATION_FIXED_LENGTH = 2;
    private static final int PUSI = 0x40;
    private static final int ADAPTATION_AND_PAYLOAD = 0x30;
    private static final int PAYLOAD_ONLY = 0x10;
    private static final int FLAG_RANDOM_ACCESS = 0x40;
    private static final int FLAG_PCR = 0x10;
    private static final int PCR_RESERVED_BITS = 0x7E;
    private static final int MAX_PID = 0x1FFF;
    private static final int CONTINUITY_MASK = 0x0F;

    private final ExpandableArrayBuffer out;
    private final int[] continuity = new int[MAX_PID + 1];
    private int position;

    public TsPacketWriter(int initialCapacityBytes) {
        if (initialCapacityBytes < PACKET_LENGTH) {
            throw new IllegalArgumentException("initialCapacityBytes must be at least one packet: "
                    + initialCapacityBytes);
        }
        out = new ExpandableArrayBuffer(initialCapacityBytes);
    }

    /** The bytes written since the last {@link #reset()}; valid until the next write. */
    public DirectBuffer buffer() {
        return out;
    }

    /** Bytes written since the last {@link #reset()}, always a multiple of {@link #PACKET_LENGTH}. */
    public int length() {
        return position;
    }

    /** Starts a new segment in the same buffer; continuity counters carry on. */
    public void reset() {
        position = 0;
    }

    /** Restarts every continuity counter at zero (allowed at a discontinuity). */
    public void resetContinuity() {
        java.util.Arrays.fill(continuity, 0);
    }

    /**
     * Writes one PES packet as consecutive TS packets.
     *
     * @param pcrBase        PCR base (90 kHz) for the first packet's adaptation field, or -1 for none
     * @param randomAccess   sets random_access_indicator on the first packet
     */
    public void writePes(int pid, DirectBuffer pes, int offset, int length, long pcrBase, boolean randomAccess) {
        out.checkLimit(position + (length / MAX_PAYLOAD_LENGTH + 2) * PACKET_LENGTH);
        boolean first = true;
        int at = offset;
        int remaining = length;
        while (remaining > 0) {
            boolean pcr = first && pcrBase >= 0;
            boolean flags = pcr || (first && randomAccess);
            int adaptation = flags ? ADAPTATION_FIXED_LENGTH + (pcr ? PCR_LENGTH : 0) : 0;
            int chunk = Math.min(remaining, MAX_PAYLOAD_LENGTH - adaptation);
            int stuffing = MAX_PAYLOAD_LENGTH - adaptation - chunk;
            int p = putHeader(pid, first, adaptation + stuffing > 0);
            if (adaptation + stuffing > 0) {
                p = putAdaptation(p, adaptation, stuffing, pcr ? pcrBase : -1, first && randomAccess);
            }
            out.putBytes(p, pes, at, chunk);
            position += PACKET_LENGTH;
            at += chunk;
            remaining -= chunk;
            first = false;
        }
    }

    /**
     * Writes a PSI section that fits one packet: pointer_field 0, the section, then 0xFF to the end of the
     * packet (ISO 13818-1 2.4.4: stuffing after the last section of a PSI packet).
     */
    public void writeSection(int pid, DirectBuffer section, int offset, int length) {
        assert length + 1 <= MAX_PAYLOAD_LENGTH : "PSI section longer than one packet: " + length;
        out.checkLimit(position + PACKET_LENGTH);
        int p = putHeader(pid, true, false);
        out.putByte(p++, (byte) 0);
        out.putBytes(p, section, offset, length);
        p += length;
        out.setMemory(p, position + PACKET_LENGTH - p, STUFFING_BYTE);
        position += PACKET_LENGTH;
    }

    private int putHeader(int pid, boolean unitStart, boolean adaptation) {
        int p = position;
        int cc = continuity[pid];
        continuity[pid] = (cc + 1) & CONTINUITY_MASK;
        out.putByte(p, SYNC_BYTE);
        out.putByte(p + 1, (byte) ((unitStart ? PUSI : 0) | (pid >> 8)));
        out.putByte(p + 2, (byte) pid);
        out.putByte(p + 3, (byte) ((adaptation ? ADAPTATION_AND_PAYLOAD : PAYLOAD_ONLY) | cc));
        return p + HEADER_LENGTH;
    }

    /**
     * Writes an adaptation field of {@code fieldBytes + stuffing} bytes in total (length byte included). A single
     * byte of stuffing alone is the length byte 0 with no flags.
     */
    private int putAdaptation(int p, int fieldBytes, int stuffing, long pcrBase, boolean randomAccess) {
        int total = fieldBytes + stuffing;
        out.putByte(p++, (byte) (total - 1));
        if (total == 1) {
            return p;
        }
        int flags = (pcrBase >= 0 ? FLAG_PCR : 0) | (randomAccess ? FLAG_RANDOM_ACCESS : 0);
        out.putByte(p++, (byte) flags);
        if (pcrBase >= 0) {
            out.putByte(p, (byte) (pcrBase >>> 25));
            out.putByte(p + 1, (byte) (pcrBase >>> 17));
            out.putByte(p + 2, (byte) (pcrBase >>> 9));
            out.putByte(p + 3, (byte) (pcrBase >>> 1));
            out.putByte(p + 4, (byte) (((pcrBase & 1) << 7) | PCR_RESERVED_BITS));
            out.putByte(p + 5, (byte) 0);
            p += PCR_LENGTH;
        }
        int stuffingBytes = total - (fieldBytes > 0 ? fieldBytes : ADAPTATION_FIXED_LENGTH);
        out.setMemory(p, stuffingBytes, STUFFING_BYTE);
        return p + stuffingBytes;
    }

    /** Copies the bytes written since the last reset into a new array (once per segment). */
    public byte[] copy() {
        byte[] bytes = new byte[position];
        out.getBytes(0, bytes);
        return bytes;
    }

    /** For tests: the buffer's current capacity, to show it stops growing. */
    int capacity() {
        return out.capacity();
    }
}
