/**
 * AMF0 (Adobe Action Message Format 0 specification) reading and writing for RTMP commands and data messages.
 */
package io.ringcast.ingest.amf;
