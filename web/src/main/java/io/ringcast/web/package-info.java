/**
 * Deployment of the Jakarta servlets (HTTP-FLV, HLS, stats, pages): standalone on an embedded Undertow
 * ({@link io.ringcast.web.RingcastServer}) or as a WAR in Tomcat/Jetty, both through
 * {@link io.ringcast.web.RingcastServletContextListener} and {@link io.ringcast.web.RingcastRuntime}.
 */
package io.ringcast.web;
