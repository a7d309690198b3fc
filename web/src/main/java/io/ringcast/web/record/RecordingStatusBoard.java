package io.ringcast.web.record;

import io.ringcast.broadcast.stream.Stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recording status of each live {@link Stream} object, for stats writers that hold only the stream (the
 * stats servlet predates recording). Keyed by stream identity, so servers sharing a JVM never see each other's
 * entries; an entry lives until its stream closes or its plugin stops. Thread-safe.
 *
 * <p>A bridge: once the stats servlet passes {@link Recordings#status} to
 * {@code StreamStatsWriter.write(json, stream, hls, recording)} itself, this class can go.
 */
public final class RecordingStatusBoard {
    private static final Map<Stream, RecordingStatus> STATUS = new ConcurrentHashMap<>();

    private RecordingStatusBoard() {
    }

    /** The status of the stream's latest recording, or null when it has none. */
    public static RecordingStatus find(Stream stream) {
        return STATUS.get(stream);
    }

    static void put(Stream stream, RecordingStatus status) {
        STATUS.put(stream, status);
    }

    static void remove(Stream stream, RecordingStatus status) {
        STATUS.remove(stream, status);
    }
}
