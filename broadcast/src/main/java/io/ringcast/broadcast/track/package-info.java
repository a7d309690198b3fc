/**
 * Tracks: the single-producer ring of preallocated frame descriptors with its payload byte ring, codecs, track
 * kinds, a track's current format (sequence header and parsed facts) and its rates.
 */
package io.ringcast.broadcast.track;
