/**
 * A load run's results: per-group latency, frame counts and CPU, written as {@code summary.json}, the latency
 * interval log and text summaries, and the side-by-side and slow-viewer reports built from them.
 */
package io.ringcast.perf.load.report;
