package io.ringcast.broadcast.hls;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LL-HLS keys of {@code [hls]}: bad values stop startup naming the key. */
@Timeout(10)
class HlsPluginLlConfigTest {
    private static void configure(String toml) {
        new HlsPlugin().configure(ConfigFile.parse(toml, "test.toml").section("hls"));
    }

    @Test
    void shouldAcceptTheLowLatencyKeys() {
        configure("[hls]\nll_enable = true\npart_duration_ms = 333\nvariant = \"fmp4\"\n");
        configure("[hls]\nll_enable = false\nvariant = \"ts\"\n");
    }

    @Test
    void shouldRejectBadLowLatencyValuesNamingTheKey() {
        ConfigException variant = assertThrows(ConfigException.class, () -> configure("[hls]\nvariant = \"mp4\"\n"));
        assertTrue(variant.getMessage().contains("variant"), variant.getMessage());
        ConfigException part = assertThrows(ConfigException.class,
                () -> configure("[hls]\npart_duration_ms = 10\n"));
        assertTrue(part.getMessage().contains("part_duration_ms"), part.getMessage());
        ConfigException off = assertThrows(ConfigException.class,
                () -> configure("[hls]\nll_enable = false\nvariant = \"fmp4\"\n"));
        assertTrue(off.getMessage().contains("ll_enable"), off.getMessage());
    }
}
