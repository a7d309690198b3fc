/**
 * RTMP commands (Adobe RTMP specification 7.2): answers to connect, createStream, publish, play and the rest as
 * ffmpeg and OBS expect, onStatus replies, and what a connection's publishing and playing sides offer them.
 */
package io.ringcast.ingest.command;
