/**
 * Server side of the RTMP handshake (Adobe RTMP specification 5.2): C0/C1/C2 in, S0/S1/S2 out, simple and
 * digest ("complex") variants, with no socket.
 */
package io.ringcast.ingest.handshake;
