package io.ringcast.web.page;

import io.ringcast.broadcast.stream.Stream;
import io.ringcast.broadcast.stream.StreamState;
import io.ringcast.broadcast.track.TrackFormat;
import io.ringcast.broadcast.track.TrackKind;
import io.ringcast.broadcast.track.TrackRing;

import java.util.Locale;

/** One-line, human-readable facts about a stream for the pages (plain text, escaped by the template). */
final class StreamFacts {
    private static final double BITS_PER_KILOBIT = 1_000.0;

    private StreamFacts() {
    }

    /** e.g. {@code h264 640×360, 30 fps, 1500 kbit/s}; "none" without a video track or format yet. */
    static String video(Stream stream) {
        TrackRing ring = stream.track(TrackKind.VIDEO);
        TrackFormat format = ring == null ? null : ring.format();
        if (format == null) {
            return "none";
        }
        StringBuilder s = new StringBuilder(format.codec().displayName());
        if (format.width() > 0 && format.height() > 0) {
            s.append(' ').append(format.width()).append('\u00d7').append(format.height());
        }
        double fps = ring.rates().framesPerSecond();
        if (fps > 0) {
            s.append(", ").append(String.format(Locale.ROOT, "%.0f", fps)).append(" fps");
        }
        return appendBitrate(s, ring).toString();
    }

    /** e.g. {@code aac 44100 Hz, 2 ch, 128 kbit/s}; "none" without an audio track or format yet. */
    static String audio(Stream stream) {
        TrackRing ring = stream.track(TrackKind.AUDIO);
        TrackFormat format = ring == null ? null : ring.format();
        if (format == null) {
            return "none";
        }
        StringBuilder s = new StringBuilder(format.codec().displayName());
        if (format.sampleRateHz() > 0) {
            s.append(' ').append(format.sampleRateHz()).append(" Hz");
        }
        if (format.channels() > 0) {
            s.append(", ").append(format.channels()).append(" ch");
        }
        return appendBitrate(s, ring).toString();
    }

    /** Who publishes, e.g. {@code rtmp from 127.0.0.1:5555}; empty without a publisher. */
    static String publisher(Stream stream) {
        var publisher = stream.publisher();
        if (publisher == null) {
            return "";
        }
        return publisher.info().protocol() + " from " + publisher.info().remoteAddress();
    }

    /** The state as the pages show it: {@code live}, {@code waiting for publisher}, ... */
    static String state(Stream stream) {
        return state(stream.state());
    }

    static String state(StreamState state) {
        return switch (state) {
            case PUBLISHING -> "live";
            case WAITING_PUBLISHER -> "waiting for publisher";
            case WAITING_CLOSE -> "closing";
            case CLOSED -> "closed";
        };
    }

    private static StringBuilder appendBitrate(StringBuilder s, TrackRing ring) {
        double bps = ring.rates().bitsPerSecond();
        if (bps > 0) {
            s.append(", ").append(Math.round(bps / BITS_PER_KILOBIT)).append(" kbit/s");
        }
        return s;
    }
}
