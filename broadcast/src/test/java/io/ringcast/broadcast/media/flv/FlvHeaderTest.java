package io.ringcast.broadcast.media.flv;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class FlvHeaderTest {
    @Test
    void shouldWriteSignatureVersionFlagsDataOffsetAndPreviousTagSizeZero() {
        byte[] out = new byte[FlvHeader.LENGTH + 2];
        int end = FlvHeader.write(new UnsafeBuffer(out), 1, true, true);

        assertEquals(1 + 13, end);
        assertArrayEquals(new byte[] {0, 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0, 0}, out);
    }

    @Test
    void shouldReadBackTheSignatureAndDataOffsetItWrote() {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[FlvHeader.LENGTH + 1]);
        FlvHeader.write(buffer, 1, false, true);

        assertTrue(FlvHeader.hasSignature(buffer, 1));
        assertFalse(FlvHeader.hasSignature(buffer, 0));
        assertEquals(FlvHeader.HEADER_BYTES, FlvHeader.dataOffset(buffer, 1));
    }

    @Test
    void shouldFlagOnlyTheTracksPresent() {
        assertEquals(0x01, FlvHeader.flags(false, true));
        assertEquals(0x04, FlvHeader.flags(true, false));
        assertEquals(0x00, FlvHeader.flags(false, false));
    }
}
