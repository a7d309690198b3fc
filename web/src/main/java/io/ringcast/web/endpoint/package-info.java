/**
 * What every request to a ringcast servlet passes before the servlet: {@link io.ringcast.web.endpoint.EndpointFilter}
 * answers CORS preflights, adds the CORS header, and checks access (play tokens, stats protection, the admin JWT),
 * answering refusals in the endpoint's own format, as the {@link io.ringcast.web.endpoint.Endpoint} table says.
 * Mapped per servlet by the servlet context listener, in the embedded server and in a WAR alike.
 */
package io.ringcast.web.endpoint;
