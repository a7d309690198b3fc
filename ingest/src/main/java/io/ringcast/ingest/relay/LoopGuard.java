package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Recognises relay URLs that name this server's own RTMP listener (a loopback or local address, or
 * {@code localhost}, and our RTMP port), so that a push or pull of a stream onto itself is refused. Host names other
 * than {@code localhost} are not resolved (no DNS lookups on the API's thread). Thread-safe.
 */
final class LoopGuard {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private final Supplier<InetSocketAddress> rtmpListener;

    /** @param rtmpListener this server's bound RTMP address, or a supplier of null when it has no listener */
    LoopGuard(Supplier<InetSocketAddress> rtmpListener) {
        this.rtmpListener = rtmpListener;
    }

    /** Whether {@code url} reaches this server's RTMP listener. */
    boolean isSelf(UpstreamUrl url) {
        InetSocketAddress listener = rtmpListener.get();
        if (!url.isRtmp() || listener == null || url.port() != listener.getPort()) {
            return false;
        }
        String host = url.host().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if ("localhost".equals(host)) {
            return true;
        }
        if (!IPV4.matcher(host).matches() && host.indexOf(':') < 0) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || address.equals(listener.getAddress()) || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    /** The refusal when {@code url} would bring {@code path} back to this server as itself, else null. */
    String loopReason(UpstreamUrl url, StreamPath path) {
        if (!isSelf(url)) {
            return null;
        }
        String name = url.rtmpStreamName();
        int query = name.indexOf('?');
        name = query < 0 ? name : name.substring(0, query);
        if (url.rtmpApp().equals(path.app()) && name.equals(path.name())) {
            return "would loop back to this server's stream " + path;
        }
        return null;
    }
}
