package io.ringcast.ingest.publish;

import io.ringcast.broadcast.media.amf.Amf0Reader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class MetadataFilterTest {
    private static Map<String, Object> ffmpegMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("duration", 0.0);
        m.put("width", 1280.0);
        m.put("height", 720.0);
        m.put("videodatarate", 1500.0);
        m.put("framerate", 30.0);
        m.put("videocodecid", 7.0);
        m.put("audiodatarate", 128.0);
        m.put("audiosamplerate", 44100.0);
        m.put("audiosamplesize", 16.0);
        m.put("stereo", true);
        m.put("audiocodecid", 10.0);
        m.put("encoder", "Lavf59.27.100");
        return m;
    }

    private static List<Object> decode(byte[] bytes) {
        return new Amf0Reader().wrap(new UnsafeBuffer(bytes), 0, bytes.length).readAll();
    }

    @Test
    void shouldRemoveVideoPropertiesWhenVideoIsDropped() {
        List<Object> values = decode(MetadataFilter.encode(ffmpegMetadata(), false, true));
        assertEquals("onMetaData", values.get(0));
        Map<?, ?> kept = (Map<?, ?>) values.get(1);
        assertEquals(List.of("duration", "audiodatarate", "audiosamplerate", "audiosamplesize", "stereo",
                "audiocodecid", "encoder"), List.copyOf(kept.keySet()));
        assertEquals(10.0, kept.get("audiocodecid"));
    }

    @Test
    void shouldRemoveAudioPropertiesWhenAudioIsDropped() {
        Map<?, ?> kept = (Map<?, ?>) decode(MetadataFilter.encode(ffmpegMetadata(), true, false)).get(1);
        assertEquals(List.of("duration", "width", "height", "videodatarate", "framerate", "videocodecid", "encoder"),
                List.copyOf(kept.keySet()));
    }
}
