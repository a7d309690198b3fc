package io.ringcast.web;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP listener's count of requests in progress, so that a stop can wait until each ended response is on the
 * wire; once stopping, new requests are answered 503 with the reason. Requests enter on I/O or worker threads and
 * end on whichever thread ends their exchange; the stopping thread waits on this object's monitor.
 *
 * <p>Each request is counted out exactly once: its {@link Ticket} lets only the first end through. Undertow's
 * exchange state is not thread-safe, and when two threads end one exchange at once (the I/O thread, and a thread
 * whose failed write closed the connection) both can run the completion listeners. Undertow's own
 * GracefulShutdownHandler then counted that request out twice, its count fell below zero into its "shut down" bit,
 * and every later request got an empty 503 until restart. Here the count can neither double-decrement nor go
 * negative, and "stopping" is a flag of its own.
 */
final class RequestsInProgress implements HttpHandler {
    /** The ticket of an exchange already counted, so a handler chain run twice for it does not count it twice. */
    private static final AttachmentKey<Ticket> TICKET = AttachmentKey.create(Ticket.class);
    private static final String STOPPING = "server stopping: retry in a moment\n";

    private final HttpHandler next;
    private long inProgress;
    private boolean stopping;

    RequestsInProgress(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getAttachment(TICKET) == null) {
            if (!enter()) {
                exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
                exchange.getResponseSender().send(STOPPING);
                return;
            }
            Ticket ticket = new Ticket(this);
            exchange.putAttachment(TICKET, ticket);
            exchange.addExchangeCompleteListener(ticket);
        }
        next.handleRequest(exchange);
    }

    private synchronized boolean enter() {
        if (stopping) {
            return false;
        }
        inProgress++;
        return true;
    }

    private synchronized void leave() {
        inProgress--;
        if (inProgress == 0) {
            notifyAll();
        }
    }

    /** From now on new requests are answered 503; those in progress go on. */
    synchronized void stop() {
        stopping = true;
    }

    /** Waits up to {@code timeoutMs} for the requests in progress to end; true if none is left. */
    synchronized boolean awaitNone(long timeoutMs) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (inProgress > 0) {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, leftNs);
        }
        return true;
    }

    synchronized long inProgress() {
        return inProgress;
    }

    /** One request's place in the count; lets the first completion out and ignores any repeat. */
    private static final class Ticket extends AtomicBoolean implements ExchangeCompletionListener {
        private final transient RequestsInProgress count;

        Ticket(RequestsInProgress count) {
            this.count = count;
        }

        @Override
        public void exchangeEvent(HttpServerExchange exchange, NextListener nextListener) {
            try {
                if (compareAndSet(false, true)) {
                    count.leave();
                }
            } finally {
                nextListener.proceed();
            }
        }
    }
}
