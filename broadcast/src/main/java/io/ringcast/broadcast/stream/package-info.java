/**
 * Live streams: the path-keyed registry with its admission limits, a stream's tracks, publisher and subscribers, and
 * its lifecycle as one state machine over one transition table.
 */
package io.ringcast.broadcast.stream;
