package io.ringcast.web.page;

import io.ringcast.web.EndpointPlugin;

/**
 * The HTML pages (the stream list at the context root, {@link StreamIndexServlet}; players below {@code /play/},
 * {@link PlayerPageServlet}) as a plugin, section {@code [pages]}.
 */
public final class PagesPlugin extends EndpointPlugin {
    public PagesPlugin() {
        super("pages");
    }
}
