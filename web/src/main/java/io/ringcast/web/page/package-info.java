/**
 * The human pages: {@link io.ringcast.web.page.StreamIndexServlet} lists live streams at the context root and
 * {@link io.ringcast.web.page.PlayerPageServlet} plays one in the browser with mpegts.js (HTTP-FLV), hls.js or the
 * browser's native HLS. Pages are rendered from templates under {@code io/ringcast/web/page/}; scripts, styles and
 * the player libraries are static resources under {@code META-INF/resources/}, which the container serves. Every
 * URL a page prints is relative, so the pages work under any context path.
 */
package io.ringcast.web.page;
