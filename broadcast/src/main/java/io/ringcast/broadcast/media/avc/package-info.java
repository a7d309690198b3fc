/**
 * H.264 media format facts: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1), sequence parameter
 * set parsing (ITU-T H.264 7.3.2.1.1) and AVCC to Annex B conversion (ITU-T H.264 Annex B).
 */
package io.ringcast.broadcast.media.avc;
