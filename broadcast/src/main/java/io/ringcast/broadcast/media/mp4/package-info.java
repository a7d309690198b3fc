/**
 * ISO base media file format (ISO/IEC 14496-12) writers for fragmented MP4 / CMAF: the {@link
 * io.ringcast.broadcast.media.mp4.BoxWriter} cursor, sample entries ({@code avc1}, {@code mp4a}, {@code hvc1},
 * {@code av01}) as pure functions, the init segment ({@code ftyp} + {@code moov}) and the fragment writer ({@code
 * moof} + {@code mdat}). Depends on no other ringcast package.
 */
package io.ringcast.broadcast.media.mp4;
