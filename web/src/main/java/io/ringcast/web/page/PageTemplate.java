package io.ringcast.web.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An HTML template loaded once from the class path: {@code {{name}}} is replaced by a value escaped with
 * {@link Html#escape}, {@code {{{name}}}} by HTML the caller rendered (and escaped) itself. Immutable; any thread.
 */
public final class PageTemplate {
    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";

    private final String resource;
    private final List<Part> parts;
    private final Set<String> names;

    private PageTemplate(String resource, List<Part> parts) {
        this.resource = resource;
        this.parts = List.copyOf(parts);
        TreeSet<String> all = new TreeSet<>();
        for (Part p : parts) {
            if (p.name() != null) {
                all.add(p.name());
            }
        }
        this.names = all;
    }

    /** Loads and parses {@code resource} (a class path name, UTF-8); fails when it is missing or malformed. */
    public static PageTemplate load(String resource) {
        try (InputStream in = PageTemplate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("template " + resource + " not on the class path");
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading template " + resource, e);
        }
    }

    static PageTemplate parse(String resource, String text) {
        List<Part> parts = new ArrayList<>();
        int from = 0;
        while (true) {
            int open = text.indexOf(OPEN, from);
            if (open < 0) {
                parts.add(new Part(text.substring(from), null, false));
                return new PageTemplate(resource, parts);
            }
            boolean raw = text.startsWith("{", open + OPEN.length());
            int nameStart = open + OPEN.length() + (raw ? 1 : 0);
            int close = text.indexOf(CLOSE, nameStart);
            if (close < 0 || (raw && !text.startsWith("}", close + CLOSE.length()))) {
                throw new IllegalStateException("template " + resource + ": unclosed placeholder at offset " + open);
            }
            parts.add(new Part(text.substring(from, open), null, false));
            parts.add(new Part(null, text.substring(nameStart, close).strip(), raw));
            from = close + CLOSE.length() + (raw ? 1 : 0);
        }
    }

    /**
     * The page with every placeholder filled.
     *
     * @throws IllegalArgumentException when {@code values} lacks a placeholder's name or has one the template lacks
     */
    public String render(Map<String, String> values) {
        if (!names.equals(values.keySet())) {
            throw new IllegalArgumentException("template " + resource + " has placeholders " + names
                    + ", given " + new TreeSet<>(values.keySet()));
        }
        StringBuilder out = new StringBuilder(4096);
        for (Part p : parts) {
            if (p.literal() != null) {
                out.append(p.literal());
            } else {
                String value = values.get(p.name());
                out.append(p.raw() ? value : Html.escape(value));
            }
        }
        return out.toString();
    }

    private record Part(String literal, String name, boolean raw) {
    }
}
