/** HTTP-FLV playback: the servlet that admits viewers and the non-blocking sink that packages their frames. */
package io.ringcast.web.httpflv;
