/**
 * The FLV container (Adobe FLV specification v10.1, annex E): the file header, tag headers read and written, the
 * audio and video tag body headers (E.4.2, E.4.3) and the onMetaData script data (E.5) through AMF0.
 */
package io.ringcast.broadcast.media.flv;
