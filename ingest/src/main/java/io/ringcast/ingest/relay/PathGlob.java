package io.ringcast.ingest.relay;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.regex.Pattern;

/**
 * An {@code app/name} pattern of a relay rule: {@code *} stands for any run of characters within its part,
 * {@code ?} for one; e.g. {@code live/*}, {@code *}{@code /cam?}. Immutable.
 */
public final class PathGlob {
    private final String text;
    private final Pattern pattern;
    private final boolean literal;

    private PathGlob(String text, Pattern pattern, boolean literal) {
        this.text = text;
        this.pattern = pattern;
        this.literal = literal;
    }

    /**
     * Parses {@code app/name} with wildcards.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PathGlob parse(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("missing app/name pattern");
        }
        int slash = glob.indexOf('/');
        if (slash <= 0 || slash == glob.length() - 1 || glob.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("pattern must be app/name (wildcards * and ?): \"" + glob + "\"");
        }
        StringBuilder regex = new StringBuilder();
        boolean literal = true;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                regex.append("[^/]*");
                literal = false;
            } else if (c == '?') {
                regex.append("[^/]");
                literal = false;
            } else if (c == '/' || (Character.isLetterOrDigit(c) && c < 128) || c == '_' || c == '.' || c == '-') {
                regex.append(Pattern.quote(String.valueOf(c)));
            } else {
                throw new IllegalArgumentException("pattern \"" + glob + "\" has a character a stream path cannot "
                        + "hold: '" + c + "'");
            }
        }
        if (literal) {
            StreamPath.parse(glob);
        }
        return new PathGlob(glob, Pattern.compile(regex.toString()), literal);
    }

    public boolean matches(StreamPath path) {
        return pattern.matcher(path.toString()).matches();
    }

    /** Whether the pattern names exactly one path (no wildcard). */
    public boolean isLiteral() {
        return literal;
    }

    /** The one path a literal pattern names. */
    public StreamPath literalPath() {
        if (!literal) {
            throw new IllegalStateException(text + " is not a single path");
        }
        return StreamPath.parse(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
