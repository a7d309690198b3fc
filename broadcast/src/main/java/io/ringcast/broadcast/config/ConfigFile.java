package io.ringcast.broadcast.config;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed TOML configuration file. Every section a component reads is handed out as a {@link ConfigSection} that
 * remembers which keys were read; {@link #requireAllKeysUsed()} then rejects whatever nobody asked for, naming
 * the key and its line. Used at startup only, by one thread.
 */
public final class ConfigFile {
    private final String source;
    private final TomlTable root;
    private final Map<String, ConfigSection> sections = new LinkedHashMap<>();
    private final Map<String, List<ConfigSection>> tableArrays = new LinkedHashMap<>();

    private ConfigFile(String source, TomlTable root) {
        this.source = source;
        this.root = root;
    }

    /** The embedded defaults: no file, every section empty. */
    public static ConfigFile empty() {
        return parse("", "(defaults)");
    }

    public static ConfigFile load(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read config file: " + e.getMessage());
        }
        return parse(text, path.toString());
    }

    /** Parses TOML text; syntax errors name the line and column. */
    public static ConfigFile parse(String text, String source) {
        TomlParseResult result;
        try {
            result = Toml.parse(text);
        } catch (TomlParseError e) {
            // Most syntax errors are collected into the result; a few (an invalid escape in a quoted key of a table
            // header, found by the bounded fuzz run) are thrown from tomlj's visitors instead. Same report either way.
            throw new ConfigException(source + ":" + e.position().line() + ":" + e.position().column() + ": "
                    + e.getMessage());
        } catch (RuntimeException | AssertionError e) {
            // Whatever else the third-party parser throws on hostile text (with -ea its visitors even assert, found by
            // ConfigFileFuzzTest) means the same: the file is malformed. Startup must fail with a ConfigException.
            ConfigException malformed = new ConfigException(source + ": malformed TOML (" + e + ")");
            malformed.initCause(e);
            throw malformed;
        }
        if (result.hasErrors()) {
            var error = result.errors().get(0);
            throw new ConfigException(source + ":" + error.position().line() + ":" + error.position().column()
                    + ": " + error.getMessage());
        }
        return new ConfigFile(source, result);
    }

    public String source() {
        return source;
    }

    /** The section {@code [name]}; empty when absent. A key of that name that is not a table is an error. */
    public ConfigSection section(String name) {
        return sections.computeIfAbsent(name, n -> {
            if (root.contains(n) && !root.isTable(n)) {
                throw new ConfigException(source + ":" + root.inputPositionOf(n).line() + ": " + n
                        + " must be a section [" + n + "]");
            }
            TomlTable table = root.isTable(n) ? root.getTable(n) : null;
            return new ConfigSection(source, n, table);
        });
    }

    /**
     * The tables of the array {@code [[name]]}, in file order, each named {@code name #n} in messages; empty when
     * absent. A key of that name that is not an array of tables is an error.
     */
    public List<ConfigSection> tableArray(String name) {
        return tableArrays.computeIfAbsent(name, n -> {
            if (!root.contains(n)) {
                return List.of();
            }
            if (!root.isArray(n) || !root.getArrayOrEmpty(n).toList().stream().allMatch(TomlTable.class::isInstance)) {
                throw new ConfigException(source + ":" + root.inputPositionOf(List.of(n)).line() + ": " + n
                        + " must be an array of tables [[" + n + "]]");
            }
            TomlArray array = root.getArrayOrEmpty(n);
            List<ConfigSection> tables = new java.util.ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                tables.add(new ConfigSection(source, n + " #" + (i + 1), array.getTable(i)));
            }
            return List.copyOf(tables);
        });
    }

    /** Fails on the first section or key that no component read, naming it and its line. */
    public void requireAllKeysUsed() {
        for (String key : root.keySet()) {
            List<ConfigSection> tables = tableArrays.get(key);
            if (tables != null) {
                tables.forEach(ConfigSection::requireAllKeysUsed);
                continue;
            }
            ConfigSection section = sections.get(key);
            if (section == null) {
                // The key as one path element: a quoted key may hold dots or be empty (ConfigFileFuzzTest seeds).
                throw new ConfigException(source + ":" + root.inputPositionOf(List.of(key)).line()
                        + ": unknown section [" + key + "]; known sections: " + sections.keySet());
            }
            section.requireAllKeysUsed();
        }
    }
}
