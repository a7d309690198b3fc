/**
 * Recording to FLV files: a gating tap per recorded stream copies whole FLV tags into a small pool of reusable
 * direct chunks, and one writer thread per recording writes, rotates and forces the files, so a slow disk never
 * reaches the publisher. {@link Recordings} is the engine service that starts, stops and
 * reports recordings.
 */
package io.ringcast.broadcast.record;
