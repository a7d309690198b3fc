package io.ringcast.web;

import io.ringcast.broadcast.time.NanoClock;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.StreamConnection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The HTTP listener's door: each accepted connection is admitted under {@code new_connections_per_ip_per_second},
 * {@code max_connections} and {@code max_connections_per_ip} and handed to Undertow with an
 * {@link HttpConnectionWatch}, or refused with its {@link HttpRefusal} and counted. Runs on the accepting I/O threads;
 * the close listener it sets on whichever thread closes the connection.
 */
final class HttpConnectionGate implements ChannelListener<StreamConnection> {
    /** Addresses whose connection rate is remembered: 65,536 x ~100 bytes at most. */
    private static final int RATE_ADDRESSES = 65_536;

    private final HttpOpenListener undertow;
    private final ConnectionAdmission admission;
    /** Null when {@code new_connections_per_ip_per_second} is 0 (no limit). */
    private final NewConnectionRate rate;
    private final HttpRefusal overRate;
    private final HttpRefusal overTotal;
    private final HttpRefusal overPerAddress;
    private final HttpConnectionWatch.HttpConnectionLimits limits;
    private final HttpCounters counters;
    private final BooleanSupplier stopping;

    /** @param stopping true once the server stops: its closes are not the limits' doing */
    HttpConnectionGate(HttpOpenListener undertow, HttpConfig http, HttpCounters counters, BooleanSupplier stopping) {
        this.undertow = undertow;
        this.admission = new ConnectionAdmission(http.maxConnections(), http.maxConnectionsPerIp());
        this.rate = http.newConnectionsPerIpPerSecond() == 0 ? null : new NewConnectionRate(
                http.newConnectionsPerIpPerSecond(), http.newConnectionsPerIpBurst(), RATE_ADDRESSES, NanoClock.SYSTEM);
        this.overRate = HttpRefusal.overNewConnectionRate(http.newConnectionsPerIpPerSecond(),
                http.newConnectionsPerIpBurst());
        this.overTotal = HttpRefusal.overTotal(http.maxConnections());
        this.overPerAddress = HttpRefusal.overPerAddress(http.maxConnectionsPerIp());
        this.limits = HttpConnectionWatch.HttpConnectionLimits.of(http);
        this.counters = counters;
        this.stopping = stopping;
    }

    /** Connections admitted and not closed yet. */
    int openConnections() {
        return admission.openTotal();
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        InetAddress peer = ((InetSocketAddress) connection.getPeerAddress()).getAddress();
        if (rate != null && !rate.tryAcquire(peer)) {
            counters.refusedNewConnectionsPerIp().incrementAndGet();
            overRate.send(connection);
            return;
        }
        switch (admission.admit(peer)) {
            case OVER_TOTAL -> {
                counters.refusedMaxConnections().incrementAndGet();
                overTotal.send(connection);
            }
            case OVER_PER_ADDRESS -> {
                counters.refusedMaxConnectionsPerIp().incrementAndGet();
                overPerAddress.send(connection);
            }
            case ADMITTED -> serve(connection, peer);
        }
    }

    private void serve(StreamConnection connection, InetAddress peer) {
        HttpConnectionWatch watch = new HttpConnectionWatch(limits, counters, NanoClock.SYSTEM);
        watch.install(connection);
        AtomicBoolean released = new AtomicBoolean();
        undertow.handleEvent(connection);
        // Undertow's connection has set its close listener by now; ours runs first, then hands over.
        ChannelListener<? super StreamConnection> undertowClose = connection.getCloseListener();
        connection.setCloseListener(closed -> {
            release(peer, released);
            watch.closed(stopping.getAsBoolean());
            ChannelListeners.invokeChannelListener(closed, undertowClose);
        });
        if (!connection.isOpen()) {
            // Closed while Undertow served its first request (on this or a worker thread) before ours was set.
            release(peer, released);
        }
    }

    /** Gives the connection's place back exactly once, whichever of the two paths above sees the close first. */
    private void release(InetAddress peer, AtomicBoolean released) {
        if (released.compareAndSet(false, true)) {
            admission.release(peer);
        }
    }
}
