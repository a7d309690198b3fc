package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;

/**
 * How one recording file ended, kept after its stream is gone: the file (null when it could not even be created),
 * its wall-clock start and end, the bytes it holds, the media duration it holds and the error that ended it (null
 * when it was closed normally: rotation, stop, end of stream). Immutable.
 *
 * @param bytes      the file's length as closed (a file cut off by an error is cut back to its last whole tag)
 * @param durationMs the timestamp of its last whole tag, from 0 at the file's start
 */
public record RecordingOutcome(StreamPath stream, String file, long startedAtEpochMs, long endedAtEpochMs,
                               long bytes, long durationMs, String error) {
}
