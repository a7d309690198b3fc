package io.ringcast.web.endpoint;

import io.ringcast.web.control.AdminAuth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Answers a refused request in its endpoint's format (text, JSON, an HTML page). Request threads. */
@FunctionalInterface
public interface Refusal {
    /** @param withBody false for HEAD: the same status and headers, Content-Length included, without the body */
    void send(HttpServletRequest request, HttpServletResponse response, AdminAuth.Verdict verdict, boolean withBody)
            throws IOException;
}
