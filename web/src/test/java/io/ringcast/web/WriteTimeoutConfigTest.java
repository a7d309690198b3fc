package io.ringcast.web;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code [http] write_timeout_ms}: on by default, configurable, never off. */
@Timeout(10)
class WriteTimeoutConfigTest {
    @Test
    void shouldBoundStalledWritesByDefault() {
        assertEquals(10_000, HttpConfig.read(ConfigFile.parse("", "empty.toml")).writeTimeoutMs());
    }

    @Test
    void shouldReadTheConfiguredTimeout() {
        ConfigFile config = ConfigFile.parse("[http]\nwrite_timeout_ms = 2500\n", "write.toml");

        assertEquals(2_500, HttpConfig.read(config).writeTimeoutMs());
        assertEquals(2_500, HttpConfig.read(config).withPort(9).writeTimeoutMs());
    }

    @Test
    void shouldRejectZeroNamingTheKey() {
        ConfigFile config = ConfigFile.parse("[http]\nwrite_timeout_ms = 0\n", "bad.toml");

        ConfigException e = assertThrows(ConfigException.class, () -> HttpConfig.read(config));

        assertTrue(e.getMessage().contains("write_timeout_ms"), e.getMessage());
    }
}
