package io.ringcast.web.http;

import io.ringcast.web.testing.Http;
import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.api.ServletStackTraces;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The filter alone in an embedded Undertow on loopback, in front of a servlet that fails in each way a servlet can.
 * The deployment keeps Undertow's default (stack traces shown to local clients), so only the filter stands between
 * a failure and the answer.
 */
@Timeout(30)
class UnhandledErrorFilterTest {
    private DeploymentManager deployment;
    private Undertow undertow;
    private int port;

    /** Fails as its path says: /runtime, /servlet, /io (before any byte), /late (after the answer started). */
    public static final class FailingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            switch (request.getPathInfo()) {
                case "/runtime" -> throw new IllegalStateException("secret internals at io.ringcast.Foo");
                case "/servlet" -> throw new ServletException("secret servlet failure");
                case "/io" -> throw new IOException("secret file /etc/ringcast/keys.txt unreadable");
                case "/late" -> {
                    response.setContentType("text/plain");
                    response.getOutputStream().write("partial answer".getBytes(StandardCharsets.UTF_8));
                    response.flushBuffer();
                    throw new IllegalStateException("secret late failure");
                }
                default -> response.getWriter().write("fine");
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        ServletContainer container = ServletContainer.Factory.newInstance();
        deployment = container.addDeployment(Servlets.deployment()
                .setClassLoader(UnhandledErrorFilterTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("errors-test")
                .setServletStackTraces(ServletStackTraces.ALL)
                .addFilter(Servlets.filter("errors", UnhandledErrorFilter.class).setAsyncSupported(true))
                .addFilterUrlMapping("errors", "/*", DispatcherType.REQUEST)
                .addServlets(Servlets.servlet("failing", FailingServlet.class).addMapping("/fail/*")));
        deployment.deploy();
        undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(deployment.start()).build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterEach
    void stop() throws Exception {
        undertow.stop();
        deployment.stop();
        deployment.undeploy();
    }

    @Test
    void shouldAnswerEveryFailureBeforeTheAnswerStartedWith500AndAnIdOnly() throws Exception {
        for (String failure : new String[]{"runtime", "servlet", "io"}) {
            HttpURLConnection c = Http.open(port, "GET", "/fail/" + failure);
            assertEquals(500, c.getResponseCode(), failure);
            String body = Http.body(c);
            String id = c.getHeaderField(UnhandledErrorFilter.ERROR_ID_HEADER);
            assertNotNull(id, failure);
            assertTrue(id.matches("[0-9a-f]{8}"), id);
            assertTrue(body.contains("internal error " + id), failure + ": " + body);
            assertFalse(body.contains("secret") || body.contains("Exception") || body.contains("at io."),
                    failure + ": " + body);
            assertEquals("*", c.getHeaderField("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void shouldGiveEachFailureItsOwnId() throws Exception {
        HttpURLConnection first = Http.open(port, "GET", "/fail/runtime");
        HttpURLConnection second = Http.open(port, "GET", "/fail/runtime");
        assertEquals(500, first.getResponseCode());
        assertEquals(500, second.getResponseCode());
        assertNotEquals(first.getHeaderField(UnhandledErrorFilter.ERROR_ID_HEADER),
                second.getHeaderField(UnhandledErrorFilter.ERROR_ID_HEADER));
    }

    @Test
    void shouldAddNothingToAnAnswerAlreadyOnTheWire() throws Exception {
        HttpURLConnection c = Http.open(port, "GET", "/fail/late");
        assertEquals(200, c.getResponseCode());
        assertEquals("partial answer", Http.body(c));
    }

    @Test
    void shouldLeaveWorkingRequestsAlone() throws Exception {
        HttpURLConnection c = Http.open(port, "GET", "/fail/none");
        assertEquals(200, c.getResponseCode());
        assertEquals("fine", Http.body(c));
    }
}
