package io.ringcast.broadcast.record;

import io.ringcast.broadcast.stream.StreamPath;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which streams are recorded: a stream is recorded when its {@code app/name} matches an include pattern and no
 * exclude pattern. Patterns are globs on both parts: {@code *} matches any run of characters within a part,
 * {@code ?} one character, and neither crosses the {@code /}. Immutable; any thread.
 */
public final class StreamRules {
    /** Every stream of every app. */
    public static final String ALL = "*/*";
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9_.\\-*?]{1,64}/[A-Za-z0-9_.\\-*?]{1,64}");

    private final List<String> include;
    private final List<String> exclude;
    private final List<Pattern> includePatterns;
    private final List<Pattern> excludePatterns;

    /**
     * @throws IllegalArgumentException naming the first pattern that is not {@code app/name} made of stream path
     *                                  characters and wildcards
     */
    public StreamRules(List<String> include, List<String> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.includePatterns = compile(this.include);
        this.excludePatterns = compile(this.exclude);
    }

    /** Records every stream. */
    public static StreamRules all() {
        return new StreamRules(List.of(ALL), List.of());
    }

    /**
     * Splits a configured list: patterns separated by commas and/or white space, e.g. {@code "live/*, news/*"}.
     * An empty or blank value is an empty list.
     */
    public static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String part : list.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    public boolean matches(StreamPath path) {
        String s = path.toString();
        return anyMatches(includePatterns, s) && !anyMatches(excludePatterns, s);
    }

    public List<String> include() {
        return include;
    }

    public List<String> exclude() {
        return exclude;
    }

    private static boolean anyMatches(List<Pattern> patterns, String path) {
        for (Pattern p : patterns) {
            if (p.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> compile(List<String> globs) {
        List<Pattern> out = new ArrayList<>(globs.size());
        for (String glob : globs) {
            if (!GLOB.matcher(glob).matches()) {
                throw new IllegalArgumentException("pattern \"" + glob + "\" must be app/name, each part 1-64 of"
                        + " A-Z a-z 0-9 _ . - and the wildcards * and ?");
            }
            out.add(Pattern.compile(toRegex(glob)));
        }
        return out;
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '.', '-' -> regex.append('\\').append(c);
                default -> regex.append(c);
            }
        }
        return regex.toString();
    }

    @Override
    public String toString() {
        return "include " + include + " exclude " + exclude;
    }
}
