package io.ringcast.broadcast.hls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Test helper that checks MPEG-TS segments structurally (ISO 13818-1) and reassembles their PES packets. Keeps
 * continuity counters and timestamps across the segments of one stream. Test thread only.
 */
final class TsAnalyzer {
    static final int PACKET = 188;

    /** A reassembled PES packet. */
    record Pes(int pid, int streamId, long pts, long dts, boolean hasDts, boolean randomAccess, long pcrBase,
               byte[] es, int startOffset) {
    }

    /** What one segment holds: PMT entries (PID -> stream type), PCR PID and PES packets in order. */
    record Segment(Map<Integer, Integer> streams, int pcrPid, List<Pes> pes, int stuffedPackets) {
        List<Pes> of(int pid) {
            return pes.stream().filter(p -> p.pid() == pid).toList();
        }
    }

    private final Map<Integer, Integer> lastContinuity = new HashMap<>();
    private final Map<Integer, Long> lastDts = new HashMap<>();

    /** Checks one segment; {@code discontinuity} allows continuity counters and timestamps to restart. */
    Segment analyze(byte[] ts, boolean discontinuity) {
        assertTrue(ts.length > 2 * PACKET, "segment shorter than PAT + PMT: " + ts.length);
        assertEquals(0, ts.length % PACKET, "segment length not a multiple of 188");
        if (discontinuity) {
            lastContinuity.clear();
            lastDts.clear();
        }
        assertEquals(PsiWriter.PAT_PID, pid(ts, 0), "first packet is not the PAT");
        assertEquals(PsiWriter.PMT_PID, pid(ts, PACKET), "second packet is not the PMT");
        Map<Integer, Integer> streams = new LinkedHashMap<>();
        int pcrPid = -1;
        List<Pes> pes = new ArrayList<>();
        Map<Integer, PesBuilder> open = new HashMap<>();
        int stuffed = 0;
        for (int at = 0; at < ts.length; at += PACKET) {
            assertEquals(0x47, ts[at] & 0xFF, "sync byte at " + at);
            int pid = pid(ts, at);
            boolean unitStart = (ts[at + 1] & 0x40) != 0;
            int control = (ts[at + 3] >> 4) & 0x3;
            int cc = ts[at + 3] & 0xF;
            assertTrue(control == 1 || control == 3, "adaptation_field_control " + control + " at " + at);
            checkContinuity(pid, cc, at);
            int payloadStart = at + 4;
            boolean randomAccess = false;
            long pcr = -1;
            if (control == 3) {
                int afLength = ts[at + 4] & 0xFF;
                assertTrue(afLength <= 182, "adaptation field too long at " + at);
                int fieldsEnd = at + 5;
                if (afLength > 0) {
                    int flags = ts[at + 5] & 0xFF;
                    randomAccess = (flags & 0x40) != 0;
                    fieldsEnd = at + 6;
                    if ((flags & 0x10) != 0) {
                        pcr = pcrBase(ts, fieldsEnd);
                        fieldsEnd += 6;
                    }
                    assertEquals(0, flags & 0xAF, "unexpected adaptation flags at " + at);
                }
                payloadStart = at + 5 + afLength;
                for (int i = fieldsEnd; i < payloadStart; i++) {
                    assertEquals(0xFF, ts[i] & 0xFF, "adaptation stuffing byte at " + i);
                }
                if (payloadStart > fieldsEnd || afLength == 0) {
                    stuffed++;
                }
                assertTrue(payloadStart < at + PACKET, "packet without payload at " + at);
            }
            if (pid == PsiWriter.PAT_PID) {
                assertTrue(at == 0, "PAT only at the segment start");
                checkPat(section(ts, payloadStart, at));
            } else if (pid == PsiWriter.PMT_PID) {
                assertTrue(at == PACKET, "PMT only at the segment start");
                pcrPid = parsePmt(section(ts, payloadStart, at), streams);
            } else {
                assertTrue(streams.containsKey(pid), "PID " + pid + " not in the PMT " + streams);
                if (unitStart) {
                    PesBuilder previous = open.remove(pid);
                    if (previous != null) {
                        pes.add(previous.finish());
                    }
                    open.put(pid, new PesBuilder(pid, randomAccess, pcr, at));
                } else {
                    assertEquals(-1, pcr, "PCR outside a PES start at " + at);
                }
                PesBuilder b = open.get(pid);
                assertNotNull(b, "payload before the first PES start on PID " + pid);
                b.bytes.write(ts, payloadStart, at + PACKET - payloadStart);
            }
        }
        open.values().forEach(b -> pes.add(b.finish()));
        pes.sort(java.util.Comparator.comparingInt(Pes::startOffset));
        for (Pes p : pes) {
            checkTimestamps(p);
        }
        return new Segment(streams, pcrPid, pes, stuffed);
    }

    private void checkContinuity(int pid, int cc, int at) {
        Integer last = lastContinuity.put(pid, cc);
        if (last != null) {
            assertEquals((last + 1) & 0xF, cc, "continuity counter of PID " + pid + " at " + at);
        }
    }

    private void checkTimestamps(Pes p) {
        assertTrue(p.pts() >= p.dts(), "PTS before DTS on PID " + p.pid());
        Long last = lastDts.put(p.pid(), p.dts());
        if (last != null) {
            assertTrue(p.dts() >= last, "DTS went back on PID " + p.pid() + ": " + last + " -> " + p.dts());
        }
    }

    private static byte[] section(byte[] ts, int payloadStart, int packetStart) {
        assertEquals(0, ts[payloadStart], "pointer_field");
        int start = payloadStart + 1;
        int length = 3 + (((ts[start + 1] & 0x0F) << 8) | (ts[start + 2] & 0xFF));
        assertTrue(start + length <= packetStart + PACKET, "section runs past its packet");
        for (int i = start + length; i < packetStart + PACKET; i++) {
            assertEquals(0xFF, ts[i] & 0xFF, "PSI stuffing at " + i);
        }
        byte[] s = java.util.Arrays.copyOfRange(ts, start, start + length);
        assertEquals(0, Crc32Mpeg2.compute(s, 0, s.length), "section CRC");
        return s;
    }

    private static void checkPat(byte[] s) {
        assertEquals(0x00, s[0], "PAT table_id");
        assertEquals(1, ((s[8] & 0xFF) << 8) | (s[9] & 0xFF), "program_number");
        assertEquals(PsiWriter.PMT_PID, ((s[10] & 0x1F) << 8) | (s[11] & 0xFF), "PMT PID");
    }

    private static int parsePmt(byte[] s, Map<Integer, Integer> streams) {
        assertEquals(0x02, s[0], "PMT table_id");
        int pcrPid = ((s[8] & 0x1F) << 8) | (s[9] & 0xFF);
        int infoLength = ((s[10] & 0x0F) << 8) | (s[11] & 0xFF);
        int at = 12 + infoLength;
        while (at < s.length - 4) {
            int type = s[at] & 0xFF;
            int pid = ((s[at + 1] & 0x1F) << 8) | (s[at + 2] & 0xFF);
            int esInfo = ((s[at + 3] & 0x0F) << 8) | (s[at + 4] & 0xFF);
            streams.put(pid, type);
            at += 5 + esInfo;
        }
        assertTrue(streams.containsKey(pcrPid), "PCR PID " + pcrPid + " not a listed stream");
        return pcrPid;
    }

    private static int pid(byte[] ts, int at) {
        return ((ts[at + 1] & 0x1F) << 8) | (ts[at + 2] & 0xFF);
    }

    private static long pcrBase(byte[] b, int at) {
        long base = ((long) (b[at] & 0xFF) << 25) | ((b[at + 1] & 0xFF) << 17) | ((b[at + 2] & 0xFF) << 9)
                | ((b[at + 3] & 0xFF) << 1) | ((b[at + 4] & 0xFF) >> 7);
        assertEquals(0x7E, b[at + 4] & 0x7E, "PCR reserved bits");
        return base;
    }

    static long timestamp(byte[] b, int at) {
        assertEquals(1, b[at] & 1, "marker bit");
        assertEquals(1, b[at + 2] & 1, "marker bit");
        assertEquals(1, b[at + 4] & 1, "marker bit");
        return ((long) (b[at] & 0x0E) << 29) | ((b[at + 1] & 0xFF) << 22) | ((b[at + 2] & 0xFE) << 14)
                | ((b[at + 3] & 0xFF) << 7) | ((b[at + 4] & 0xFE) >> 1);
    }

    private static final class PesBuilder {
        final int pid;
        final boolean randomAccess;
        final long pcr;
        final int start;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        PesBuilder(int pid, boolean randomAccess, long pcr, int start) {
            this.pid = pid;
            this.start = start;
            this.randomAccess = randomAccess;
            this.pcr = pcr;
        }

        Pes finish() {
            byte[] b = bytes.toByteArray();
            assertTrue(b.length >= 14 && b[0] == 0 && b[1] == 0 && b[2] == 1, "PES start code on PID " + pid);
            int streamId = b[3] & 0xFF;
            int declared = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
            if (declared != 0) {
                assertEquals(declared, b.length - 6, "PES_packet_length on PID " + pid + " (payload padding?)");
            }
            int flags = b[7] & 0xC0;
            int headerDataLength = b[8] & 0xFF;
            assertTrue(flags == 0x80 || flags == 0xC0, "PTS_DTS_flags " + flags);
            long pts = timestamp(b, 9);
            long dts = flags == 0xC0 ? timestamp(b, 14) : pts;
            byte[] es = java.util.Arrays.copyOfRange(b, 9 + headerDataLength, b.length);
            return new Pes(pid, streamId, pts, dts, flags == 0xC0, randomAccess, pcr, es, start);
        }
    }

    /** NAL unit types of an Annex B elementary stream, in order; every NAL must follow a 4-byte start code. */
    static List<Integer> nalTypes(byte[] es) {
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i + 4 < es.length; i++) {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 0 && es[i + 3] == 1) {
                types.add(es[i + 4] & 0x1F);
                i += 4;
            }
        }
        assertTrue(es.length >= 4 && es[0] == 0 && es[1] == 0 && es[2] == 0 && es[3] == 1,
                "elementary stream does not start with a start code");
        return types;
    }

    /** ADTS frames of an audio elementary stream as {sampling_frequency_index, channel_config, length}. */
    static List<int[]> adtsFrames(byte[] es) {
        List<int[]> frames = new ArrayList<>();
        int at = 0;
        while (at < es.length) {
            assertTrue(at + 7 <= es.length, "truncated ADTS header");
            assertEquals(0xFF, es[at] & 0xFF, "ADTS sync");
            assertEquals(0xF1, es[at + 1] & 0xFF, "ADTS sync/ID/layer/protection_absent");
            int frequencyIndex = (es[at + 2] >> 2) & 0xF;
            int channels = ((es[at + 2] & 1) << 2) | ((es[at + 3] & 0xFF) >> 6);
            int length = ((es[at + 3] & 0x3) << 11) | ((es[at + 4] & 0xFF) << 3) | ((es[at + 5] & 0xFF) >> 5);
            assertTrue(length > 7 && at + length <= es.length, "ADTS frame length " + length);
            frames.add(new int[]{frequencyIndex, channels, length});
            at += length;
        }
        return frames;
    }
}
