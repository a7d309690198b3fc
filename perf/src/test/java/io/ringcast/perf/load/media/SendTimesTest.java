package io.ringcast.perf.load.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SendTimesTest {
    @Test
    void shouldKeepTheSendTimeOfTheLastCapacityFrames() {
        SendTimes times = new SendTimes(8);
        for (long index = 0; index < 20; index++) {
            times.record(index, 1000 + index);
        }
        assertEquals(1019, times.sendNs(19));
        assertEquals(1012, times.sendNs(12));
        assertEquals(SendTimes.UNKNOWN, times.sendNs(11), "overwritten by frame 19");
        assertEquals(SendTimes.UNKNOWN, times.sendNs(20), "not sent yet");
    }

    @Test
    void shouldRefuseACapacityThatIsNoPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new SendTimes(1000));
    }
}
