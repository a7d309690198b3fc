/**
 * Media formats below every protocol: what they share ({@link io.ringcast.broadcast.media.MediaFormatException},
 * the protocol-neutral error of every parser, {@link io.ringcast.broadcast.media.CodecConfiguration} and the
 * {@link io.ringcast.broadcast.media.BitReader}), with the FLV container in {@code media.flv}, AMF0 in
 * {@code media.amf}, H.264 in {@code media.avc}, H.265 in {@code media.hevc}, AV1 in {@code media.av1}, VP9 in
 * {@code media.vp9} and AAC in {@code media.aac}.
 * <p>
 * This package and its subpackages depend on no other ringcast package, and on no network protocol.
 */
package io.ringcast.broadcast.media;
