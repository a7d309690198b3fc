/**
 * AMF0 (Adobe Action Message Format 0 specification) reading and writing: RTMP commands and data messages, and
 * the script data (onMetaData) of FLV script tags.
 */
package io.ringcast.broadcast.media.amf;
