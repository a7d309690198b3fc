package io.ringcast.broadcast.stream;

import java.util.regex.Pattern;

/**
 * A validated stream path {@code app/name}: the registry key. Both parts are 1..64 characters of
 * {@code [A-Za-z0-9_.-]}, neither is "." or "..", so a path is safe in URLs and file names.
 */
public record StreamPath(String app, String name) {
    public static final int MAX_PART_LENGTH = 64;
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]{1," + MAX_PART_LENGTH + "}");

    public StreamPath {
        requireValidPart("app", app);
        requireValidPart("name", name);
    }

    /** Parses {@code app/name}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static StreamPath parse(String path) {
        if (path == null || path.length() > 2 * MAX_PART_LENGTH + 1) {
            throw new IllegalArgumentException("stream path missing or longer than " + (2 * MAX_PART_LENGTH + 1));
        }
        int slash = path.indexOf('/');
        if (slash < 0 || path.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("stream path must be app/name: " + printable(path));
        }
        return new StreamPath(path.substring(0, slash), path.substring(slash + 1));
    }

    /** Whether {@code s} is a valid app or name part. */
    public static boolean isValidPart(String s) {
        return s != null && PART.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }

    private static void requireValidPart(String what, String value) {
        if (!isValidPart(value)) {
            throw new IllegalArgumentException("stream " + what + " must be 1-" + MAX_PART_LENGTH
                    + " characters of A-Z a-z 0-9 _ . - and not . or ..: " + printable(value));
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return '"' + cut.replaceAll("[^\\x20-\\x7e]", "?") + '"';
    }

    @Override
    public String toString() {
        return app + '/' + name;
    }
}
