package io.ringcast.broadcast.hls;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the program tables every segment starts with: a PAT naming one program and its PMT listing the tracks
 * present (ISO 13818-1 2.4.4.3 and 2.4.4.8), each a single-packet section with MPEG-2 CRC_32. Owned by the
 * segmenter thread; sections are built in a preallocated scratch array.
 *
 * <pre>
 * PAT section: table_id=0x00 | '1' '0' rr section_length(12) | transport_stream_id(16) | rr version(5) cni(1)
 *              | section_number | last_section_number | program_number(16) | rrr PMT_PID(13) | CRC_32
 * PMT section: table_id=0x02 | '1' '0' rr section_length(12) | program_number(16) | rr version(5) cni(1)
 *              | section_number | last_section_number | rrr PCR_PID(13) | rrrr program_info_length(12)=0
 *              | per stream: stream_type(8) rrr elementary_PID(13) rrrr ES_info_length(12)=0 | CRC_32
 * </pre>
 */
public final class PsiWriter {
    public static final int PAT_PID = 0x0000;
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x0100;
    public static final int AUDIO_PID = 0x0101;
    public static final int PROGRAM_NUMBER = 1;
    public static final int TRANSPORT_STREAM_ID = 1;
    public static final int TABLE_ID_PAT = 0x00;
    public static final int TABLE_ID_PMT = 0x02;
    public static final int STREAM_TYPE_H264 = 0x1B;
    /** H.265 video (ISO 13818-1 table 2-34, amendment 3). */
    public static final int STREAM_TYPE_HEVC = 0x24;
    /** No video track in the program. */
    public static final int NO_VIDEO = 0;
    public static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    public static final int CRC_LENGTH = 4;
    /** Bytes from table_id through section_length. */
    private static final int SECTION_HEADER_LENGTH = 3;
    /** Bytes after section_length up to the program loop: stream id, version, section numbers. */
    private static final int SYNTAX_HEADER_LENGTH = 5;
    private static final int PMT_PROGRAM_HEADER_LENGTH = 4;
    private static final int PMT_STREAM_ENTRY_LENGTH = 5;
    private static final int SECTION_SYNTAX_AND_RESERVED = 0xB0;
    /** reserved '11', version_number 0, current_next_indicator 1. */
    private static final int VERSION_CURRENT = 0xC1;
    private static final int RESERVED_3_BITS = 0xE0;
    private static final int RESERVED_4_BITS = 0xF0;
    private static final int MAX_SECTION_LENGTH = 64;

    private final UnsafeBuffer section = new UnsafeBuffer(new byte[MAX_SECTION_LENGTH]);

    /** Appends PAT then PMT; the PCR is carried by the video PID when there is video, else the audio PID. */
    public void write(TsPacketWriter packets, boolean video, boolean audio) {
        write(packets, video ? STREAM_TYPE_H264 : NO_VIDEO, audio);
    }

    /** As {@link #write(TsPacketWriter, boolean, boolean)} with the video's stream type, or {@link #NO_VIDEO}. */
    public void write(TsPacketWriter packets, int videoStreamType, boolean audio) {
        assert videoStreamType != NO_VIDEO || audio : "a program needs a track";
        packets.writeSection(PAT_PID, section, 0, pat());
        packets.writeSection(PMT_PID, section, 0, pmt(videoStreamType, audio));
    }

    private int pat() {
        int at = header(TABLE_ID_PAT, TRANSPORT_STREAM_ID, 4);
        section.putShort(at, (short) PROGRAM_NUMBER, java.nio.ByteOrder.BIG_ENDIAN);
        section.putShort(at + 2, (short) (RESERVED_3_BITS << 8 | PMT_PID), java.nio.ByteOrder.BIG_ENDIAN);
        return crc(at + 4);
    }

    private int pmt(int videoStreamType, boolean audio) {
        boolean video = videoStreamType != NO_VIDEO;
        int streams = (video ? 1 : 0) + (audio ? 1 : 0);
        int at = header(TABLE_ID_PMT, PROGRAM_NUMBER, PMT_PROGRAM_HEADER_LENGTH + streams * PMT_STREAM_ENTRY_LENGTH);
        int pcrPid = video ? VIDEO_PID : AUDIO_PID;
        section.putShort(at, (short) (RESERVED_3_BITS << 8 | pcrPid), java.nio.ByteOrder.BIG_ENDIAN);
        section.putShort(at + 2, (short) (RESERVED_4_BITS << 8), java.nio.ByteOrder.BIG_ENDIAN);
        at += PMT_PROGRAM_HEADER_LENGTH;
        if (video) {
            at = streamEntry(at, videoStreamType, VIDEO_PID);
        }
        if (audio) {
            at = streamEntry(at, STREAM_TYPE_AAC_ADTS, AUDIO_PID);
        }
        return crc(at);
    }

    private int streamEntry(int at, int streamType, int pid) {
        section.putByte(at, (byte) streamType);
        section.putShort(at + 1, (short) (RESERVED_3_BITS << 8 | pid), java.nio.ByteOrder.BIG_ENDIAN);
        section.putShort(at + 3, (short) (RESERVED_4_BITS << 8), java.nio.ByteOrder.BIG_ENDIAN);
        return at + PMT_STREAM_ENTRY_LENGTH;
    }

    /** Writes table_id .. last_section_number; returns where the table body starts. */
    private int header(int tableId, int idExtension, int bodyLength) {
        int sectionLength = SYNTAX_HEADER_LENGTH + bodyLength + CRC_LENGTH;
        section.putByte(0, (byte) tableId);
        section.putByte(1, (byte) (SECTION_SYNTAX_AND_RESERVED | (sectionLength >> 8)));
        section.putByte(2, (byte) sectionLength);
        section.putShort(3, (short) idExtension, java.nio.ByteOrder.BIG_ENDIAN);
        section.putByte(5, (byte) VERSION_CURRENT);
        section.putByte(6, (byte) 0);
        section.putByte(7, (byte) 0);
        return SECTION_HEADER_LENGTH + SYNTAX_HEADER_LENGTH;
    }

    /** Appends the CRC over everything before {@code end}; returns the section's full length. */
    private int crc(int end) {
        section.putInt(end, Crc32Mpeg2.compute(section, 0, end), java.nio.ByteOrder.BIG_ENDIAN);
        return end + CRC_LENGTH;
    }
}
