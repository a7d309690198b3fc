package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import jakarta.servlet.ServletContext;

/**
 * Where a deployment keeps its engine: a {@link ServletContext} attribute, set before the context starts by the
 * embedded {@link RingcastServer}, or by {@link RingcastServletContextListener} in Tomcat/Jetty, which hands the
 * engine to every servlet and endpoint filter it maps. Read-only after deployment; any thread.
 */
public final class RingcastContext {
    /** Attribute name under which the deployment stores the running {@link Engine}. */
    public static final String ENGINE_ATTRIBUTE = "io.ringcast.engine";

    private RingcastContext() {
    }
}
