package io.ringcast.broadcast.config;

import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code [section]} of a {@link ConfigFile}: typed getters with defaults, each failing with the file, line,
 * section and key when the value has the wrong type or range. Startup only, one thread.
 */
public final class ConfigSection {
    private final String source;
    private final String name;
    private final TomlTable table;
    private final Set<String> used = new HashSet<>();
    /** Inline tables handed out by {@link #table}, checked for unknown keys with this section. */
    private final java.util.List<ConfigSection> children = new java.util.ArrayList<>();

    ConfigSection(String source, String name, TomlTable table) {
        this.source = source;
        this.name = name;
        this.table = table;
    }

    public String name() {
        return name;
    }

    /** Whether the file has this section at all. */
    public boolean isPresent() {
        return table != null;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        if (!table.isBoolean(key)) {
            throw wrongType(key, "a boolean (true or false)");
        }
        return table.getBoolean(key);
    }

    public long getLong(String key, long defaultValue, long min, long max) {
        if (!has(key)) {
            return defaultValue;
        }
        if (!table.isLong(key)) {
            throw wrongType(key, "an integer");
        }
        long value = table.getLong(key);
        if (value < min || value > max) {
            throw error(key, "must be between " + min + " and " + max + ", is " + value);
        }
        return value;
    }

    public int getInt(String key, int defaultValue, int min, int max) {
        return (int) getLong(key, defaultValue, min, max);
    }

    /** A positive whole number of seconds. */
    public Duration getSeconds(String key, Duration defaultValue) {
        return Duration.ofSeconds(getLong(key, defaultValue.toSeconds(), 1, Integer.MAX_VALUE));
    }

    public String getString(String key, String defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        if (!table.isString(key)) {
            throw wrongType(key, "a string");
        }
        return table.getString(key);
    }

    /** A list of strings ({@code key = ["a", "b"]}); the default when absent. */
    public List<String> getStringList(String key, List<String> defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        if (!table.isArray(key)) {
            throw wrongType(key, "an array of strings");
        }
        TomlArray array = table.getArrayOrEmpty(key);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof String value)) {
                throw error(key, "must be an array of strings, item " + (i + 1) + " is not a string");
            }
            values.add(value);
        }
        return List.copyOf(values);
    }

    /** A list of integers, each within {@code min..max}; the default when absent. */
    public List<Long> getLongList(String key, List<Long> defaultValue, long min, long max) {
        if (!has(key)) {
            return defaultValue;
        }
        if (!table.isArray(key)) {
            throw wrongType(key, "an array of integers");
        }
        TomlArray array = table.getArrayOrEmpty(key);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof Long value) || value < min || value > max) {
                throw error(key, "must be an array of integers between " + min + " and " + max + ", item "
                        + (i + 1) + " is " + array.get(i));
            }
            values.add(value);
        }
        return List.copyOf(values);
    }

    /** The keys of this section in file order, for sections whose keys are names (e.g. {@code [origins]}). */
    public List<String> keys() {
        return table == null ? List.of() : List.copyOf(table.keySet());
    }

    /** Whether {@code key} holds a table ({@code key = { ... }}). */
    public boolean isTable(String key) {
        return table != null && table.isTable(List.of(key));
    }

    /** The inline table {@code key = { ... }} as a section named {@code section.key}; its keys are checked too. */
    public ConfigSection table(String key) {
        used.add(key);
        if (!isTable(key)) {
            throw wrongType(key, "a table { ... }");
        }
        ConfigSection child = new ConfigSection(source, name + "." + key, table.getTable(List.of(key)));
        children.add(child);
        return child;
    }

    /** A configuration error about {@code key}, for validations the getters cannot express. */
    public ConfigException error(String key, String problem) {
        return new ConfigException(location(key) + ": [" + name + "] " + key + " " + problem);
    }

    void requireAllKeysUsed() {
        if (table == null) {
            return;
        }
        for (String key : table.keySet()) {
            if (!used.contains(key)) {
                throw new ConfigException(location(key) + ": unknown key " + key + " in [" + name + "]");
            }
        }
        children.forEach(ConfigSection::requireAllKeysUsed);
    }

    private boolean has(String key) {
        used.add(key);
        return table != null && table.contains(key);
    }

    private ConfigException wrongType(String key, String expected) {
        Object value = table.get(key);
        String actual = value == null ? "nothing" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return error(key, "must be " + expected + ", found " + actual);
    }

    private String location(String key) {
        // The key as one path element: a quoted key may hold dots or be empty (ConfigFileFuzzTest regression inputs).
        var position = table == null ? null : table.inputPositionOf(List.of(key));
        return source + (position == null ? "" : ":" + position.line());
    }
}
