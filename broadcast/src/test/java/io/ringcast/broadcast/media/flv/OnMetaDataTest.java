package io.ringcast.broadcast.media.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import io.ringcast.broadcast.media.amf.Amf0Writer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The onMetaData duration, found through AMF0 rather than by searching bytes. */
@Timeout(10)
class OnMetaDataTest {
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

    @Test
    void shouldClearTheTopLevelDurationAndLeaveTheRestAsItWas() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("info", Map.of("duration", 3.0)); // nested: not the stream's duration
        properties.put("width", 640.0);
        properties.put("duration", 12.5);
        properties.put("encoder", "Lavf60.16.100");
        int length = write(properties);

        int found = OnMetaData.durationOffset(buffer, 0, length);
        assertEquals(12.5, buffer.getDouble(found, ByteOrder.BIG_ENDIAN), "the top-level value, not the nested one");

        int at = OnMetaData.clearDuration(buffer, 0, length);

        assertEquals(found, at);
        Map<?, ?> after = (Map<?, ?>) new Amf0Reader().wrap(buffer, 0, length).readAll().get(1);
        assertEquals(0.0, after.get("duration"));
        assertEquals(Map.of("duration", 3.0), after.get("info"));
        assertEquals("Lavf60.16.100", after.get("encoder"));

        OnMetaData.putDuration(buffer, at, 42.0);
        assertEquals(42.0, ((Map<?, ?>) new Amf0Reader().wrap(buffer, 0, length).readAll().get(1)).get("duration"));
    }

    @Test
    void shouldFindNoDurationWhereThereIsNoNumericOne() {
        assertEquals(-1, OnMetaData.durationOffset(buffer, 0, write(Map.of("duration", "long"))), "a string");
        assertEquals(-1, OnMetaData.durationOffset(buffer, 0, write(Map.of("width", 640.0))), "none");
        int length = new Amf0Writer().wrap(buffer, 0).writeString("onCuePoint").writeEcmaArray(Map.of("duration", 1.0))
            .length();
        assertEquals(-1, OnMetaData.durationOffset(buffer, 0, length), "another script data name");
        int truncated = write(Map.of("duration", 1.0)) - 4;
        assertEquals(-1, OnMetaData.durationOffset(buffer, 0, truncated), "malformed AMF0");
    }

    @Test
    void shouldFindTheDurationOfAnObjectAsWellAsOfAnEcmaArray() {
        int length = new Amf0Writer().wrap(buffer, 0).writeString(OnMetaData.NAME)
            .writeObject(Map.of("duration", 7.0)).length();

        assertEquals(7.0, buffer.getDouble(OnMetaData.durationOffset(buffer, 0, length), ByteOrder.BIG_ENDIAN));
        assertEquals(List.of(OnMetaData.NAME, Map.of("duration", 7.0)),
            new Amf0Reader().wrap(buffer, 0, length).readAll());
    }

    private int write(Map<String, ?> properties) {
        return new Amf0Writer().wrap(buffer, 0).writeString(OnMetaData.NAME).writeEcmaArray(properties).length();
    }
}
