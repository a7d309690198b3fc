package io.ringcast.broadcast.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TrackKindTest {
    @Test
    void shouldNameTheFlvTagTypeThatCarriesEachKind() {
        assertEquals(9, TrackKind.VIDEO.flvTagType());
        assertEquals(8, TrackKind.AUDIO.flvTagType());
    }
}
