package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay rule's URL with {@code {app}} and {@code {name}} placeholders, checked at startup by parsing it with
 * sample values. Immutable.
 */
public final class UrlTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private final String text;

    private UrlTemplate(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException for an unknown placeholder or a URL that does not parse (the reason masked)
     */
    public static UrlTemplate parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing URL");
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!"app".equals(m.group(1)) && !"name".equals(m.group(1))) {
                throw new IllegalArgumentException("unknown placeholder {" + m.group(1) + "} in "
                        + UpstreamUrl.maskText(text) + " (known: {app} {name})");
            }
        }
        UrlTemplate template = new UrlTemplate(text);
        template.urlFor(new StreamPath("app", "name"));
        return template;
    }

    /** The URL for a stream. */
    public UpstreamUrl urlFor(StreamPath path) {
        return UpstreamUrl.parse(text.replace("{app}", path.app()).replace("{name}", path.name()));
    }

    @Override
    public String toString() {
        return UpstreamUrl.maskText(text);
    }
}
