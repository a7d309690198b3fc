package io.ringcast.ingest.publish;

import io.ringcast.broadcast.media.amf.Amf0Writer;
import org.agrona.ExpandableArrayBuffer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Removes a dropped track's properties from onMetaData (EnableVideo/EnableAudio false), so that players do not
 * wait for a track that will never come. Owned by the connection's ingest thread; metadata is rare.
 */
final class MetadataFilter {
    /** onMetaData properties that announce video (FLV specification E.5, plus common encoder extensions). */
    static final Set<String> VIDEO_KEYS = Set.of("videocodecid", "videodatarate", "width", "height", "framerate",
            "videoframerate", "videosize");
    /** onMetaData properties that announce audio. */
    static final Set<String> AUDIO_KEYS = Set.of("audiocodecid", "audiodatarate", "audiosamplerate",
            "audiosamplesize", "stereo", "audiochannels", "audiosize");
    private static final String ON_METADATA = "onMetaData";

    private MetadataFilter() {
    }

    /**
     * The FLV script-tag body ("onMetaData" + ECMA array) of {@code properties} without the keys of dropped
     * tracks.
     */
    static byte[] encode(Map<?, ?> properties, boolean keepVideo, boolean keepAudio) {
        Map<String, Object> kept = new LinkedHashMap<>();
        properties.forEach((k, v) -> {
            String key = String.valueOf(k);
            boolean dropped = (!keepVideo && VIDEO_KEYS.contains(key)) || (!keepAudio && AUDIO_KEYS.contains(key));
            if (!dropped) {
                kept.put(key, v);
            }
        });
        ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        Amf0Writer writer = new Amf0Writer().wrap(buffer, 0).writeString(ON_METADATA).writeEcmaArray(kept);
        byte[] bytes = new byte[writer.length()];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
