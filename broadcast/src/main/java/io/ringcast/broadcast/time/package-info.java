/**
 * The engine's injected clocks: a monotonic nanosecond clock for timers and lag, and manual monotonic and wall
 * clocks that tests step instead of sleeping.
 */
package io.ringcast.broadcast.time;
