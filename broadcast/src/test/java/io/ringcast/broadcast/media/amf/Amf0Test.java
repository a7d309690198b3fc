package io.ringcast.broadcast.media.amf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcast.broadcast.media.MediaFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Amf0Test {
    /** ffmpeg's connect command, built by hand from the AMF0 specification. */
    private static final byte[] CONNECT = wire(
        "02 0007", "'connect",
        "00 3ff0000000000000",
        "03",
        "0003", "'app", "02 0004", "'live",
        "0004", "'type", "02 000a", "'nonprivate",
        "0008", "'flashVer", "02 0023", "'FMLE/3.0 (compatible; Lavf61.7.100)",
        "0005", "'tcUrl", "02 001a", "'rtmp://127.0.0.1:1935/live",
        "0000 09");

    private static final byte[] PUBLISH = wire(
        "02 0007", "'publish",
        "00 4014000000000000",
        "05",
        "02 0004", "'demo",
        "02 0004", "'live");

    private static final byte[] SET_DATA_FRAME = wire(
        "02 000d", "'@setDataFrame",
        "02 000a", "'onMetaData",
        "08 00000005",
        "0008", "'duration", "00 0000000000000000",
        "0005", "'width", "00 4084000000000000",
        "0006", "'height", "00 4076800000000000",
        "000c", "'videocodecid", "00 401c000000000000",
        "0007", "'encoder", "02 000c", "'Lavf61.7.100",
        "0000 09");

    private final Amf0Reader reader = new Amf0Reader();
    private final Amf0Writer writer = new Amf0Writer();

    @Test
    void shouldReadFfmpegConnectCommand() {
        final Map<String, Object> commandObject = new LinkedHashMap<>();
        commandObject.put("app", "live");
        commandObject.put("type", "nonprivate");
        commandObject.put("flashVer", "FMLE/3.0 (compatible; Lavf61.7.100)");
        commandObject.put("tcUrl", "rtmp://127.0.0.1:1935/live");

        final List<Object> values = read(CONNECT);

        assertEquals(List.of("connect", 1.0, commandObject), values);
        assertEquals(List.copyOf(commandObject.keySet()),
            List.copyOf(((Map<?, ?>)values.get(2)).keySet()), "wire order kept");
    }

    @Test
    void shouldWriteFfmpegConnectCommandByteForByte() {
        final Map<String, Object> commandObject = new LinkedHashMap<>();
        commandObject.put("app", "live");
        commandObject.put("type", "nonprivate");
        commandObject.put("flashVer", "FMLE/3.0 (compatible; Lavf61.7.100)");
        commandObject.put("tcUrl", "rtmp://127.0.0.1:1935/live");
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);

        writer.wrap(buffer, 3).writeString("connect").writeNumber(1.0).writeObject(commandObject);

        assertEquals(CONNECT.length, writer.length());
        assertArrayEquals(CONNECT, written(buffer, 3));
    }

    @Test
    void shouldReadPublishCommand() {
        assertEquals(Arrays.asList("publish", 5.0, null, "demo", "live"), read(PUBLISH));
    }

    @Test
    void shouldWritePublishCommandByteForByte() {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();

        writer.wrap(buffer, 0).writeString("publish").writeNumber(5).writeNull().writeString("demo")
            .writeValue("live");

        assertArrayEquals(PUBLISH, written(buffer, 0));
    }

    @Test
    void shouldReadSetDataFrameWithOnMetaDataEcmaArray() {
        final Map<String, Object> metaData = new LinkedHashMap<>();
        metaData.put("duration", 0.0);
        metaData.put("width", 640.0);
        metaData.put("height", 360.0);
        metaData.put("videocodecid", 7.0);
        metaData.put("encoder", "Lavf61.7.100");

        assertEquals(List.of("@setDataFrame", "onMetaData", metaData), read(SET_DATA_FRAME));
    }

    @Test
    void shouldWriteOnMetaDataEcmaArrayByteForByte() {
        final Map<String, Object> metaData = new LinkedHashMap<>();
        metaData.put("duration", 0);
        metaData.put("width", 640);
        metaData.put("height", 360.0);
        metaData.put("videocodecid", 7);
        metaData.put("encoder", "Lavf61.7.100");
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();

        writer.wrap(buffer, 0).writeString("@setDataFrame").writeString("onMetaData").writeEcmaArray(metaData);

        assertArrayEquals(SET_DATA_FRAME, written(buffer, 0));
    }

    @Test
    void shouldThrowProtocolExceptionWhenTruncatedAtEveryPosition() {
        assertEveryTruncationThrows(CONNECT, 3);
        assertEveryTruncationThrows(PUBLISH, 5);
        assertEveryTruncationThrows(SET_DATA_FRAME, 3);
    }

    @Test
    void shouldReadStrictArrayDateLongStringBooleanAndUndefined() {
        final byte[] bytes = wire(
            "0a 00000003", "01 01", "06", "02 0001", "'x",
            "0b 4059000000000000 0000",
            "0c 00000003", "'abc",
            "0f 00000002", "'<a",
            "10 0001", "'C", "0001", "'k", "01 00", "0000 09",
            "0d");

        assertEquals(Arrays.asList(Arrays.asList(true, null, "x"), Instant.ofEpochMilli(100), "abc", "<a",
            Map.of("k", false), null), read(bytes));
    }

    @Test
    void shouldRoundTripNestedValuesAndLongString() {
        final Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("list", List.of(1.0, "two", false));
        inner.put("nothing", null);
        final String longString = "é".repeat(40_000);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();

        writer.wrap(buffer, 0).writeValue(Map.of("inner", inner)).writeString(longString);

        assertEquals(Amf0Markers.LONG_STRING, buffer.getByte(writer.length() - 80_000 - 5));
        assertEquals(List.of(Map.of("inner", inner), longString), read(written(buffer, 0)));
    }

    @Test
    void shouldRejectReference() {
        assertRejected("amf0 reference not supported", wire("07 0001"));
    }

    @Test
    void shouldRejectObjectEndOutsideObject() {
        assertRejected("amf0 object end outside object", wire("09"));
    }

    @Test
    void shouldRejectUnknownMarker() {
        assertRejected("amf0 unsupported marker", wire("11"));
        assertRejected("amf0 unsupported marker", wire("42"));
    }

    @Test
    void shouldRejectNestingDeeperThan32() {
        final ByteArrayOutputStream deep = new ByteArrayOutputStream();
        for (int i = 0; i < Amf0Reader.MAX_DEPTH + 1; i++) {
            deep.writeBytes(wire("0a 00000001"));
        }
        deep.writeBytes(wire("05"));

        assertRejected("amf0 nesting too deep", deep.toByteArray());
    }

    @Test
    void shouldReadNestingOf32() {
        final ByteArrayOutputStream deep = new ByteArrayOutputStream();
        for (int i = 0; i < Amf0Reader.MAX_DEPTH; i++) {
            deep.writeBytes(wire("0a 00000001"));
        }
        deep.writeBytes(wire("05"));

        assertEquals(1, read(deep.toByteArray()).size());
    }

    @Test
    void shouldRejectCountsLargerThanRemainingBytesBeforeAllocating() {
        assertRejected("amf0 truncated", wire("0a 7fffffff 05 05"));
        assertRejected("amf0 truncated", wire("0c ffffffff 41"));
        assertRejected("amf0 truncated", wire("02 ffff 41"));
    }

    @Test
    void shouldOnlyEverThrowProtocolExceptionOnGarbage() {
        final SplittableRandom random = new SplittableRandom(1);
        int failures = 0;
        for (int i = 0; i < 20_000; i++) {
            final byte[] garbage = new byte[1 + random.nextInt(40)];
            random.nextBytes(garbage);
            garbage[0] = (byte)random.nextInt(0x12);
            try {
                read(garbage);
            } catch (final MediaFormatException expected) {
                failures++;
            }
        }
        assertFalse(failures == 0, "garbage must be refused at least sometimes");
    }

    private void assertEveryTruncationThrows(final byte[] bytes, final int valueCount) {
        for (int length = 0; length < bytes.length; length++) {
            reader.wrap(new UnsafeBuffer(bytes), 0, length);
            assertThrows(MediaFormatException.class, () -> {
                for (int i = 0; i < valueCount; i++) {
                    reader.readValue();
                }
            }, "truncated to " + length);
        }
    }

    private void assertRejected(final String reason, final byte[] bytes) {
        assertEquals(reason, assertThrows(MediaFormatException.class, () -> read(bytes)).reason());
    }

    private List<Object> read(final byte[] bytes) {
        final byte[] padded = new byte[bytes.length + 8];
        System.arraycopy(bytes, 0, padded, 4, bytes.length);
        return new ArrayList<>(reader.wrap(new UnsafeBuffer(padded), 4, bytes.length).readAll());
    }

    private byte[] written(final ExpandableArrayBuffer buffer, final int offset) {
        final byte[] bytes = new byte[writer.length()];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /** Concatenates parts: hex bytes (spaces allowed), or UTF-8 text when the part starts with a quote. */
    private static byte[] wire(final String... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final String part : parts) {
            if (part.startsWith("'")) {
                out.writeBytes(part.substring(1).getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes(HexFormat.of().parseHex(part.replace(" ", "")));
            }
        }
        return out.toByteArray();
    }
}
