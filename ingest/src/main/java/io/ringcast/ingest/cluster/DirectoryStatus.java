package io.ringcast.ingest.cluster;

/**
 * The directory connection as {@code /api/server} and {@code /api/cluster} show it.
 *
 * @param up                   whether the last Redis call succeeded
 * @param sinceEpochMs         when it last changed between up and down
 * @param lastError            why it is down ("" when up)
 * @param pendingRegistrations local streams waiting to be registered once Redis is back
 */
public record DirectoryStatus(boolean up, long sinceEpochMs, String lastError, int pendingRegistrations) {
}
