/** Undertow-hosted Jakarta servlets: HTTP-FLV and the stats API. */
package io.ringcast.web;
