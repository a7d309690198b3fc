/**
 * FLV audio and video tag body parsing (Adobe FLV specification v10.1, annex E.4.2 and E.4.3) and the codec
 * configuration records they carry: AVC (ISO/IEC 14496-15, ITU-T H.264) and AAC (ISO/IEC 14496-3).
 */
package io.ringcast.ingest.flv;
