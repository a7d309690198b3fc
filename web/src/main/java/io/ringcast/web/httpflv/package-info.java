/**
 * HTTP-FLV playback: the servlet that admits viewers and the non-blocking sink that packages their frames, and the
 * relays' proxy form ({@code GET /live?src=&app=&stream=}), which serves a stream pulled from a named origin the
 * same way.
 */
package io.ringcast.web.httpflv;
