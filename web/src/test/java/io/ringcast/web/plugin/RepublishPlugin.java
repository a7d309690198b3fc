package io.ringcast.web.plugin;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.plugin.Plugin;
import io.ringcast.broadcast.stream.PublisherInfo;
import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamListener;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.broadcast.stream.StreamPublisher;
import io.ringcast.broadcast.tap.StreamTap;
import io.ringcast.broadcast.tap.TapConsumer;
import io.ringcast.broadcast.track.FrameEvent;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;
import org.agrona.DirectBuffer;

/**
 * A third-party plugin, found only through {@link java.util.ServiceLoader} on the test class path: it subscribes
 * to one stream and publishes every frame again under another name, through the same public API the built-in
 * plugins use (stream listener, gating tap, stream publisher). Section {@code [republish]}, off by default.
 */
public final class RepublishPlugin implements Plugin, StreamListener {
    private boolean enable;
    private StreamPath from;
    private StreamPath to;
    private Engine engine;
    private volatile StreamTap tap;

    @Override
    public String name() {
        return "republish";
    }

    @Override
    public void configure(ConfigSection section) {
        enable = section.getBoolean("enable", false);
        from = path(section, "from", "live/source");
        to = path(section, "to", "live/copy");
    }

    private static StreamPath path(ConfigSection section, String key, String defaultValue) {
        String value = section.getString(key, defaultValue);
        try {
            return StreamPath.parse(value);
        } catch (IllegalArgumentException e) {
            throw section.error(key, e.getMessage());
        }
    }

    @Override
    public boolean enabled() {
        return enable;
    }

    @Override
    public void start(Engine engine) {
        this.engine = engine;
        engine.streams().addListener(this);
    }

    @Override
    public void onStreamStarted(Stream stream) {
        if (stream.path().equals(from)) {
            tap = StreamTap.start(stream, "republish", new Copier(stream));
        }
    }

    @Override
    public void stop() {
        engine.streams().removeListener(this);
        StreamTap t = tap;
        if (t != null) {
            t.close();
        }
    }

    /** Copies frames, formats and metadata from the source stream into a publisher of the target path. */
    private final class Copier implements TapConsumer {
        private final Stream source;
        private StreamPublisher target;

        Copier(Stream source) {
            this.source = source;
        }

        @Override
        public void onNewSession(int session) {
            if (target == null) {
                target = engine.streams().publish(to, new PublisherInfo("republish", source.path().toString(),
                        System.currentTimeMillis()), true);
            }
        }

        @Override
        public void onFrame(TrackKind kind, FrameEvent frame, DirectBuffer payload, int offset, int length) {
            if (target == null || target.track(kind) == null) {
                return;
            }
            if (frame.isSequenceHeader()) {
                TrackFormat format = source.track(kind).format();
                if (format != null) {
                    target.updateFormat(format);
                }
                byte[] metadata = source.metadata();
                if (metadata != null) {
                    target.updateMetadata(metadata);
                }
            }
            TrackRing ring = target.track(kind);
            long position = ring.reserve(length);
            ring.payloadBuffer().putBytes(ring.offsetOf(position), payload, offset, length);
            target.publish(kind, position, length, frame.headerLength(), frame.codec(), frame.isKeyframe(),
                    frame.isSequenceHeader(), frame.timestampMs(), frame.compositionTimeMs(), frame.ingestNanos());
        }

        @Override
        public void onEnd() {
            if (target != null) {
                target.close();
            }
        }
    }
}
