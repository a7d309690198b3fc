package io.ringcast.broadcast.testing;

import io.ringcast.broadcast.config.ConfigFile;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The configuration of a server a test starts, built by the test thread: every listener ({@code [rtmp]},
 * {@code [http]}) on 127.0.0.1 port 0, plus the test's own keys in any section, written out as TOML text.
 *
 * <p>Keys given for the same table are merged into one table (TOML refuses a repeated {@code [rtmp]}); a key given
 * twice keeps its last value. A listener's {@code address} and {@code port} cannot be set: tests read the bound port
 * back and never open a public or fixed port, so they run beside a server started with its defaults. The folders and
 * files a server writes by default relative to its working directory (recordings, latency logs, stream keys) go below
 * a folder of the test's ({@link #dataIn}; else a fresh path below {@code java.io.tmpdir}, created only if written)
 * unless the test names them itself.
 *
 * <pre>{@code
 * String toml = TestConfig.loopback()
 *         .set("rtmp", "idle_timeout_ms", 500)
 *         .toml("[http]\nwrite_timeout_ms = 1000\n[record]\nenable = true")
 *         .dataIn(tempDir)
 *         .text();
 * }</pre>
 */
public final class TestConfig {
    /** The only address a test server listens on. */
    public static final String LOOPBACK = "127.0.0.1";
    /** Every section that opens a listening socket. */
    public static final List<String> LISTENERS = List.of("rtmp", "http");
    private static final List<String> LISTENER_KEYS = List.of("address", "port");
    /** Section, key, and the path below {@link #dataIn}'s folder it gets unless the test sets it. */
    private static final String[][] DATA_PATHS = {
            {"record", "directory", "recordings"},
            {"latency_log", "directory", "latency-logs"},
            {"auth", "keys_file", "stream-keys.txt"},
    };
    private static final String ROOT = "";

    /** Section name (ROOT for top-level keys) to key to value as TOML text, in the order first given. */
    private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    /** Arrays of tables ({@code [[pull]]}, {@code [[push]]}) as written, after every table. */
    private final StringBuilder arraysOfTables = new StringBuilder();
    /** Not created here: only a server that writes there creates it (tests that write name their own folder). */
    private Path dataDirectory = Path.of(System.getProperty("java.io.tmpdir"),
            "ringcast-test-data-" + UUID.randomUUID());

    private TestConfig() {
        for (String listener : LISTENERS) {
            Map<String, String> keys = section(listener);
            keys.put("address", literal(LOOPBACK));
            keys.put("port", "0");
        }
    }

    /** A configuration with every listener on 127.0.0.1 port 0 and nothing else. */
    public static TestConfig loopback() {
        return new TestConfig();
    }

    /** Sets {@code key} of {@code section} to a String, number, boolean or List of them (replacing an earlier one). */
    public TestConfig set(String section, String key, Object value) {
        put(section, Toml.joinKeyPath(List.of(key)), literal(value));
        return this;
    }

    /**
     * Merges every key of a TOML fragment ({@code "[rtmp]\nidle_timeout_ms = 500\n[record]\nenable = true"}) into
     * this configuration; its tables may repeat ones given before. Fails on text TOML cannot parse.
     */
    public TestConfig toml(String text) {
        TomlParseResult parsed = Toml.parse(text);
        if (parsed.hasErrors()) {
            throw new IllegalArgumentException("not TOML: " + parsed.errors() + "\n" + text);
        }
        for (Map.Entry<String, Object> entry : parsed.entrySet()) {
            if (entry.getValue() instanceof TomlTable table) {
                section(entry.getKey());
                for (Map.Entry<String, Object> key : table.dottedEntrySet(false)) {
                    put(entry.getKey(), key.getKey(), literal(key.getValue()));
                }
            } else {
                put(ROOT, Toml.joinKeyPath(List.of(entry.getKey())), literal(entry.getValue()));
            }
        }
        return this;
    }

    /**
     * Moves every listener to another loopback address ({@code 127.0.0.2}: a second "host" on this machine), still
     * on port 0.
     *
     * @throws IllegalArgumentException for an address outside 127.0.0.0/8
     */
    public TestConfig bindTo(String loopbackAddress) {
        if (!loopbackAddress.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("tests listen on loopback addresses only: " + loopbackAddress);
        }
        for (String listener : LISTENERS) {
            section(listener).put("address", literal(loopbackAddress));
        }
        return this;
    }

    /**
     * Adds arrays of tables ({@code "[[pull]]\nmatch = \"live/*\"\nfrom = [...]\n"}), which {@link #toml} cannot
     * merge; they are written after every table, as given. Fails on text TOML cannot parse.
     */
    public TestConfig arrayTables(String text) {
        TomlParseResult parsed = Toml.parse(text);
        if (parsed.hasErrors()) {
            throw new IllegalArgumentException("not TOML: " + parsed.errors() + "\n" + text);
        }
        arraysOfTables.append(text.endsWith("\n") ? text : text + "\n");
        return this;
    }

    /**
     * Puts what a server writes relative to its working directory by default (recordings, latency logs, the stream
     * keys file) below {@code directory}, for every such key the test does not set itself.
     */
    public TestConfig dataIn(Path directory) {
        this.dataDirectory = directory.toAbsolutePath();
        return this;
    }

    /** The configuration as TOML text. */
    public String text() {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        sections.forEach((name, keys) -> all.put(name, new LinkedHashMap<>(keys)));
        for (String[] data : DATA_PATHS) {
            all.computeIfAbsent(data[0], n -> new LinkedHashMap<>())
                    .putIfAbsent(data[1], literal(dataDirectory.resolve(data[2]).toString()));
        }
        StringBuilder toml = new StringBuilder();
        Map<String, String> root = all.remove(ROOT);
        if (root != null) {
            root.forEach((key, value) -> toml.append(key).append(" = ").append(value).append('\n'));
        }
        all.forEach((name, keys) -> {
            toml.append('[').append(Toml.joinKeyPath(List.of(name))).append("]\n");
            keys.forEach((key, value) -> toml.append(key).append(" = ").append(value).append('\n'));
        });
        return toml.append(arraysOfTables).toString();
    }

    /** The configuration parsed, as a server started in this JVM takes it. */
    public ConfigFile configFile() {
        return ConfigFile.parse(text(), "test-config.toml");
    }

    /** Writes the TOML text to {@code file} (for a server in another process) and returns the file. */
    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return text();
    }

    private Map<String, String> section(String name) {
        return sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
    }

    private void put(String section, String key, String value) {
        if (LISTENERS.contains(section) && LISTENER_KEYS.contains(key)) {
            throw new IllegalArgumentException("[" + section + "] " + key + " is always " + LOOPBACK
                    + " port 0 in tests (read the bound port back): " + key + " = " + value);
        }
        section(section).put(key, value);
    }

    /** A value as TOML text. */
    private static String literal(Object value) {
        if (value instanceof String s) {
            return "\"" + Toml.tomlEscape(s) + "\"";
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Double d) {
            return d.isNaN() ? "nan" : d.isInfinite() ? (d > 0 ? "inf" : "-inf") : d.toString();
        }
        if (value instanceof TomlArray array) {
            return literal(array.toList());
        }
        if (value instanceof List<?> list) {
            StringJoiner items = new StringJoiner(", ", "[", "]");
            list.forEach(item -> items.add(literal(item)));
            return items.toString();
        }
        if (value instanceof TomlTable table) {
            StringJoiner keys = new StringJoiner(", ", "{", "}");
            table.dottedEntrySet(false).forEach(e -> keys.add(e.getKey() + " = " + literal(e.getValue())));
            return keys.toString();
        }
        if (value instanceof java.time.temporal.TemporalAccessor) {
            return value.toString();
        }
        throw new IllegalArgumentException("not a TOML value: " + value + " (" + value.getClass().getName() + ")");
    }
}
