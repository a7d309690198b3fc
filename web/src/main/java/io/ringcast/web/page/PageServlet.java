package io.ringcast.web.page;

import io.ringcast.broadcast.Engine;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A servlet of one HTML page: GET and HEAD both go to {@link #render}, HEAD with the same status and headers but no
 * body. Holds the engine the page shows. Runs on container request threads.
 */
abstract class PageServlet extends HttpServlet {
    private final transient Engine engine;

    PageServlet(Engine engine) {
        this.engine = engine;
    }

    /** The engine of this web application. */
    final Engine engine() {
        return engine;
    }

    @Override
    protected final void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        render(request, response, true);
    }

    @Override
    protected final void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        render(request, response, false);
    }

    /** Answers the request, without the body when {@code withBody} is false (HEAD); see {@link HtmlResponse}. */
    abstract void render(HttpServletRequest request, HttpServletResponse response, boolean withBody)
            throws IOException;
}
