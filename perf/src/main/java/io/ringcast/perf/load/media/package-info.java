/**
 * What the load generator publishes and how viewers recognise it: an FLV file read into memory, frames tagged
 * with sequence numbers in SEI NAL units, the looped timeline and the publisher's send times.
 */
package io.ringcast.perf.load.media;
