/**
 * The load generator ({@code perf/loadgen}): its command line and options, and one load run that publishes a file
 * and drives many viewers over a measured window.
 */
package io.ringcast.perf.load;
