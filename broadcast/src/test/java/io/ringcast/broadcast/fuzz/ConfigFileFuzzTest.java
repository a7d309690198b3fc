package io.ringcast.broadcast.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import io.ringcast.broadcast.config.EngineConfigs;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the TOML configuration loader: any text either loads into valid typed configuration or fails
 * with a {@link ConfigException} that names the file; nothing else escapes. Seeds: the README's full
 * configuration and small variants ({@code ConfigFileFuzzTestInputs/loadsOrFailsWithConfigException/}).
 */
class ConfigFileFuzzTest {
    static final String SOURCE = "fuzz.toml";

    @FuzzTest(maxDuration = "30s")
    void loadsOrFailsWithConfigException(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver ({@link BoundedFuzzer}). */
    public static void fuzzerTestOneInput(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            ConfigFile file = ConfigFile.parse(text, SOURCE);
            EngineConfig engine = EngineConfigs.engine(file);
            RingConfig ring = EngineConfigs.ring(file);
            LimitsConfig limits = EngineConfigs.limits(file);
            readPluginSection(file.section("rtmp"));
            file.requireAllKeysUsed();
            check(engine.publishTimeout().toSeconds() > 0, "publish timeout positive");
            check(Integer.bitCount(ring.videoSlots()) == 1 && Integer.bitCount(ring.audioSlots()) == 1,
                    "slots are powers of two");
            check(limits.maxStreams() >= 1 && limits.maxViewersPerStream() >= 1, "limits positive");
        } catch (ConfigException expected) {
            check(expected.getMessage() != null && expected.getMessage().startsWith(SOURCE),
                    "ConfigException names the file: " + expected.getMessage());
        }
    }

    /** Reads a section the way plugins do: every getter type, with and without the key present. */
    private static void readPluginSection(ConfigSection section) {
        section.getBoolean("enable", true);
        section.getString("address", "0.0.0.0");
        section.getInt("port", 1935, 0, 65535);
        section.getLong("max_message_bytes", 8L << 20, 1, 1 << 24);
        section.getSeconds("idle_timeout", java.time.Duration.ofSeconds(30));
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
