package io.ringcast.broadcast.fuzz;

import static io.ringcast.broadcast.fuzz.MediaFuzzChecks.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.media.MediaFormatException;
import io.ringcast.broadcast.media.amf.Amf0Reader;
import java.util.List;
import org.agrona.DirectBuffer;

/**
 * Fuzz target for the AMF0 decoder: any bytes are read as a sequence of values or refused with
 * {@link MediaFormatException}; the buffer is exactly the input, so a read past the range fails with
 * IndexOutOfBoundsException. Seeds: the command and data messages of a real ffmpeg and an OBS-style publishing
 * session ({@code Amf0FuzzTestInputs/readsOrRejects/}).
 */
public class Amf0FuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readsOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        MediaFuzzChecks.parseOrReject(input, Amf0FuzzTest::readAll);
    }

    /** Reads every value of a command or data message; each value takes at least one byte. */
    public static List<Object> readAll(DirectBuffer buffer, int offset, int length) {
        Amf0Reader reader = new Amf0Reader().wrap(buffer, offset, length);
        List<Object> values = reader.readAll();
        check(values.size() <= length, "at most one value per byte");
        check(reader.position() == offset + length, "reads the whole range");
        return values;
    }
}
