package io.ringcast.broadcast.tap;

import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackKind;
import org.agrona.DirectBuffer;

/**
 * A consumer that must see every frame of a stream, in publish order (HLS segmenter, recorder). Called only by its
 * {@link StreamTap}'s thread. The payload is read in place from the track ring, valid until the call returns.
 */
public interface TapConsumer {
    /** One frame; {@code payload[offset, offset + length)} holds it (codec framing first, see FrameEvent). */
    void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length);

    /** The next frame comes from a new publisher session (reconnect): timelines and encoder state restart. */
    void onNewSession(int session);

    /** The tap ends (stream closed or tap closed); no call follows. */
    void onEnd();
}
