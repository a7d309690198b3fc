/**
 * AAC media format facts: the AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) and the ADTS header (ISO/IEC 14496-3
 * 1.A.2.2) that MPEG-TS carries AAC frames behind.
 */
package io.ringcast.broadcast.media.aac;
