package io.ringcast.web.metrics;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.LoopbackServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code [metrics]} section: defaults, values, bad values that stop startup naming the key, and off. */
@Timeout(60)
class MetricsConfigTest {
    private static MetricsConfig read(String toml) {
        return MetricsConfig.from(ConfigFile.parse(toml, "test.toml").section("metrics"));
    }

    @Test
    void shouldDefaultToEnabledPerStreamWithAThousandLabelledStreams() {
        assertEquals(new MetricsConfig(true, true, 1_000), read(""));
        assertEquals(new MetricsConfig(false, false, 20),
                read("[metrics]\nenable = false\nper_stream = false\nmax_streams_labelled = 20\n"));
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        ConfigException type = assertThrows(ConfigException.class, () -> read("[metrics]\nper_stream = \"yes\"\n"));
        assertTrue(type.getMessage().contains("per_stream"), type.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> read("[metrics]\nmax_streams_labelled = -1\n"));
        assertTrue(range.getMessage().contains("max_streams_labelled") && range.getMessage().contains("-1"),
                range.getMessage());
    }

    @Test
    void shouldStopStartupOnABadValue() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> LoopbackServer.start("[metrics]\nmax_streams_labelled = 1000000000\n").close());
        String message = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause().getMessage());
        assertTrue(message.contains("max_streams_labelled"), message);
    }

    @Test
    void shouldServeNoMetricsWhenDisabled() throws Exception {
        try (LoopbackServer server = LoopbackServer.start("[metrics]\nenable = false\n")) {
            assertEquals(404, Http.open(server.httpPort(), "GET", "/metrics").getResponseCode());
        }
        try (LoopbackServer server = LoopbackServer.start("")) {
            assertEquals(200, Http.open(server.httpPort(), "GET", "/metrics").getResponseCode());
        }
    }
}
