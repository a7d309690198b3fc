package io.ringcast.perf.load.report;

/**
 * What the publisher sent over the whole run.
 *
 * @param lateFrames   frames written more than 10 ms after their deadline: the load generator fell behind
 * @param maxLatenessMs how late the latest frame was written
 */
public record PublisherSummary(String url, String state, String failure, long videoFrames, long audioFrames,
                               long bytes, int loops, long lateFrames, double maxLatenessMs) {
}
