package io.ringcast.broadcast.stream;

/**
 * Who publishes a stream, for stats.
 *
 * @param protocol      ingest protocol, e.g. "rtmp"
 * @param remoteAddress the publisher's address as text
 * @param sinceEpochMs  wall-clock time the publish started
 */
public record PublisherInfo(String protocol, String remoteAddress, long sinceEpochMs) {
}
