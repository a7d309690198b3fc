/**
 * The admin API ({@code [control]}): livego's {@code /control/*} endpoints for stream keys and relays
 * ({@code /control/pull}, {@code /control/push}), behind an HS256 JWT checked against the configured secret.
 */
package io.ringcast.web.control;
