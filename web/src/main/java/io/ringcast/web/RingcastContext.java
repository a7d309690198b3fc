package io.ringcast.web;

import io.ringcast.broadcast.Engine;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

/**
 * How the servlets find the engine: a {@link ServletContext} attribute set by whoever deploys them (the embedded
 * {@link RingcastServer}, or a listener in Tomcat/Jetty). Read-only after deployment; any thread.
 */
public final class RingcastContext {
    /** Attribute name under which the deployment stores the running {@link Engine}. */
    public static final String ENGINE_ATTRIBUTE = "io.ringcast.engine";

    private RingcastContext() {
    }

    /** The engine of this deployment; fails servlet initialisation when the deployer forgot it. */
    public static Engine engine(ServletContext context) throws ServletException {
        Object engine = context.getAttribute(ENGINE_ATTRIBUTE);
        if (!(engine instanceof Engine e)) {
            throw new ServletException("servlet context attribute " + ENGINE_ATTRIBUTE + " must hold the "
                    + Engine.class.getName() + ", found " + engine);
        }
        return e;
    }
}
