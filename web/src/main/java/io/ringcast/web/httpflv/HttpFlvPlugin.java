package io.ringcast.web.httpflv;

import io.ringcast.web.EndpointPlugin;

/** HTTP-FLV ({@code *.flv}, {@link HttpFlvServlet}) as a plugin, section {@code [httpflv]}. */
public final class HttpFlvPlugin extends EndpointPlugin {
    public HttpFlvPlugin() {
        super("httpflv");
    }
}
