/**
 * H.265 media format facts: the HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1), sequence parameter set
 * parsing (ITU-T H.265 7.3.2.2) and conversion between length-prefixed NAL units (HVCC framing) and the Annex B
 * byte stream (ITU-T H.265 Annex B).
 */
package io.ringcast.broadcast.media.hevc;
