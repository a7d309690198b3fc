/**
 * VP9 media format facts: the VPCodecConfigurationRecord (VP Codec ISO Media File Format Binding v1.0, 2.2) as an
 * Enhanced RTMP 'vp09' SequenceStart carries it.
 */
package io.ringcast.broadcast.media.vp9;
