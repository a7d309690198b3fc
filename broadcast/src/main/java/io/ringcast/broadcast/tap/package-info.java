/**
 * Taps: gating consumers that see every frame of a stream in publish order (HLS segmenter, recorder), run round
 * robin by a fixed pool of tap worker threads.
 */
package io.ringcast.broadcast.tap;
