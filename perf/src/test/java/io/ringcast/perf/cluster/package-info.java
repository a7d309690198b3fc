/**
 * The cluster suite (JUnit tag {@code cluster}): origins, edges, Redis, encoders and viewers as separate processes in
 * Linux network namespaces joined by a bridge ({@code perf/netns}), one ringcast JVM per namespace, with faults
 * (kill -9, random loss, tbf rate limits, cut links) applied from outside as on real hosts.
 */
package io.ringcast.perf.cluster;
