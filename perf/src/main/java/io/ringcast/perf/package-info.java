/** Benchmarks and load generators. */
package io.ringcast.perf;
