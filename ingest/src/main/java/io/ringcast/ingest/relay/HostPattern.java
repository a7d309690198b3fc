package io.ringcast.ingest.relay;

import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code [relay] allow_hosts} entry: a host name or address with {@code *} wildcards, optionally with a port:
 * {@code 10.0.0.*}, {@code origin.example}, {@code *.cdn.example}, {@code 127.0.0.1:1935}, {@code [::1]:1935}.
 * Immutable.
 */
public record HostPattern(String text, Pattern host, int port) {
    /** No port given: any port matches. */
    public static final int ANY_PORT = -1;

    /** @throws IllegalArgumentException naming what is wrong */
    public static HostPattern parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty host pattern");
        }
        String host = text.trim().toLowerCase(Locale.ROOT);
        int port = ANY_PORT;
        String portText = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("host pattern \"" + text + "\" lacks its ']'");
            }
            if (close < host.length() - 1) {
                if (host.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("host pattern \"" + text + "\" has text after ']'");
                }
                portText = host.substring(close + 2);
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            portText = host.substring(host.indexOf(':') + 1);
            host = host.substring(0, host.indexOf(':'));
        }
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("host pattern \"" + text + "\" has a bad port");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("host pattern \"" + text + "\" has a port out of range");
            }
        }
        if (host.isEmpty() || !host.matches("[a-z0-9.*:_-]+")) {
            throw new IllegalArgumentException("host pattern \"" + text + "\" is not a host name, address or glob");
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            regex.append(c == '*' ? "[^:]*" : Pattern.quote(String.valueOf(c)));
        }
        return new HostPattern(text.trim(), Pattern.compile(regex.toString()), port);
    }

    public boolean matches(UpstreamUrl url) {
        String h = url.host().toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        return (port == ANY_PORT || port == url.port()) && host.matcher(h).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
