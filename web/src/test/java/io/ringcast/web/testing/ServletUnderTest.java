package io.ringcast.web.testing;

import io.ringcast.broadcast.Engine;
import io.ringcast.web.endpoint.Endpoint;
import io.ringcast.web.endpoint.EndpointFilter;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;

import java.net.InetSocketAddress;

/**
 * One servlet behind its endpoint's filter, as the server maps them (async, loaded at start), with one servlet
 * context attribute, in an embedded Undertow on 127.0.0.1 and an ephemeral port: for a servlet's own tests.
 */
public final class ServletUnderTest implements AutoCloseable {
    private final DeploymentManager deployment;
    private final Undertow undertow;

    private ServletUnderTest(DeploymentManager deployment, Undertow undertow) {
        this.deployment = deployment;
        this.undertow = undertow;
    }

    /**
     * @param attribute the servlet context attribute the servlet reads its registry from, and {@code value}
     * @param mappings  the servlet's URL patterns
     */
    public static ServletUnderTest start(Class<? extends Servlet> servlet, Engine engine, Endpoint endpoint,
                                         String attribute, Object value, String... mappings)
            throws ServletException {
        String name = servlet.getSimpleName();
        DeploymentManager deployment = ServletContainer.Factory.newInstance().addDeployment(Servlets.deployment()
                .setClassLoader(servlet.getClassLoader())
                .setContextPath("/")
                .setDeploymentName(name + "-test")
                .addServletContextAttribute(attribute, value)
                .addFilter(Servlets.filter("endpoint", EndpointFilter.class,
                        new ImmediateInstanceFactory<>(new EndpointFilter(engine, endpoint)))
                        .setAsyncSupported(true))
                .addFilterServletNameMapping("endpoint", name, DispatcherType.REQUEST)
                .addServlets(Servlets.servlet(name, servlet)
                        .addMappings(mappings)
                        .setAsyncSupported(true)
                        .setLoadOnStartup(1)));
        deployment.deploy();
        Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(deployment.start()).build();
        undertow.start();
        return new ServletUnderTest(deployment, undertow);
    }

    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() throws ServletException {
        undertow.stop();
        deployment.stop();
        deployment.undeploy();
    }
}
