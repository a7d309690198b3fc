/**
 * AV1 media format facts: the AV1CodecConfigurationRecord (AV1 Codec ISO Media File Format Binding 2.3) and the
 * sequence header OBU (AV1 Bitstream and Decoding Process Specification 5.3, 5.5).
 */
package io.ringcast.broadcast.media.av1;
