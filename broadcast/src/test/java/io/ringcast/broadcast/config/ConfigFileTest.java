package io.ringcast.broadcast.config;

import io.ringcast.broadcast.EngineConfig;
import io.ringcast.broadcast.LimitsConfig;
import io.ringcast.broadcast.RingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class ConfigFileTest {
    /** The Go engine's block, exactly as its documentation writes it. */
    private static final String GO_ENGINE_BLOCK = """
            [Engine]
            EnableAudio = true
            EnableVideo = true
            # default expiry of a published stream, seconds (wait for a publisher to return)
            PublishTimeout = 60
            # seconds to wait after auto-close triggers; a new subscriber in that time cancels the close
            AutoCloseDelay = 10
            # reorder out-of-order RTP packets (RTP-based ingest only)
            RTPReorder = false
            # seconds to wait for an on-demand publisher (pull) to deliver the stream
            OnDemandPublishTimeout = 20
            """;

    @Test
    void shouldLoadTheGoEngineBlockAsWritten() {
        ConfigFile file = ConfigFile.parse(GO_ENGINE_BLOCK, "engine.toml");
        EngineConfig config = EngineConfigs.engine(file);
        file.requireAllKeysUsed();
        assertEquals(EngineConfig.DEFAULTS, config);
    }

    @Test
    void shouldApplyValuesFromTheFile() {
        ConfigFile file = ConfigFile.parse("""
                [Engine]
                EnableAudio = false
                PublishTimeout = 5
                [ring]
                start_at = "next_keyframe"
                skip_lag_ms = 200
                """, "t.toml");
        EngineConfig engine = EngineConfigs.engine(file);
        RingConfig ring = EngineConfigs.ring(file);
        assertFalse(engine.enableAudio());
        assertEquals(Duration.ofSeconds(5), engine.publishTimeout());
        assertTrue(ring.startAtNextKeyframe());
        assertEquals(200, ring.skipLagMs());
    }

    @Test
    void shouldReadTheDirectMemoryBudgetAndTheNoMediaTimeoutOfTheLimitsSection() {
        ConfigFile file = ConfigFile.parse("""
                [limits]
                direct_memory_budget_bytes = 2147483648
                no_media_timeout_ms = 2000
                """, "t.toml");
        LimitsConfig limits = EngineConfigs.limits(file);
        file.requireAllKeysUsed();
        assertEquals(2L << 30, limits.directMemoryBudgetBytes());
        assertEquals(2_000, limits.noMediaTimeoutMs());
        assertEquals(LimitsConfig.DEFAULTS.maxStreams(), limits.maxStreams());
        assertEquals(LimitsConfig.DEFAULTS, EngineConfigs.limits(ConfigFile.empty()));
        assertEquals(0, LimitsConfig.DEFAULTS.directMemoryBudgetBytes(), "derived from the JVM unless set");
        assertEquals(5_000, LimitsConfig.DEFAULTS.noMediaTimeoutMs());
        assertThrows(ConfigException.class, () -> EngineConfigs.limits(ConfigFile.parse("""
                [limits]
                no_media_timeout_ms = 0
                """, "t.toml")));
    }

    @Test
    void shouldUseEmbeddedDefaultsWithoutAFile() {
        ConfigFile file = ConfigFile.empty();
        assertEquals(EngineConfig.DEFAULTS, EngineConfigs.engine(file));
        assertEquals(RingConfig.DEFAULTS, EngineConfigs.ring(file));
        file.requireAllKeysUsed();
    }

    @Test
    void shouldNameKeyAndLineOfAnUnknownKey() {
        ConfigFile file = ConfigFile.parse(GO_ENGINE_BLOCK + "PublishTimout = 3\n", "engine.toml");
        EngineConfigs.engine(file);
        ConfigException e = assertThrows(ConfigException.class, file::requireAllKeysUsed);
        assertEquals("engine.toml:12: unknown key PublishTimout in [Engine]", e.getMessage());
    }

    @Test
    void shouldNameKeyAndLineOfAWrongType() {
        ConfigFile file = ConfigFile.parse("[Engine]\nEnableAudio = true\nPublishTimeout = \"60\"\n", "e.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfigs.engine(file));
        assertTrue(e.getMessage().startsWith("e.toml:3: [Engine] PublishTimeout must be an integer"),
                e.getMessage());
    }

    @Test
    void shouldNameTheLineOfAnUnknownSection() {
        ConfigFile file = ConfigFile.parse("[Engine]\n\n[nonsense]\nx = 1\n", "e.toml");
        EngineConfigs.engine(file);
        ConfigException e = assertThrows(ConfigException.class, file::requireAllKeysUsed);
        assertTrue(e.getMessage().startsWith("e.toml:3: unknown section [nonsense]"), e.getMessage());
    }

    @Test
    void shouldReportSyntaxErrorsWithLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("[Engine]\nEnableAudio = tru\n", "e.toml"));
        assertTrue(e.getMessage().startsWith("e.toml:2:"), e.getMessage());
    }

    @Test
    void shouldRejectOutOfRangeValues() {
        ConfigFile file = ConfigFile.parse("[Engine]\nPublishTimeout = 0\n", "e.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> EngineConfigs.engine(file));
        assertTrue(e.getMessage().contains("PublishTimeout must be between 1 and"), e.getMessage());
        ConfigFile ring = ConfigFile.parse("[ring]\nvideo_slots = 1000\n", "r.toml");
        ConfigException r = assertThrows(ConfigException.class, () -> EngineConfigs.ring(ring));
        assertTrue(r.getMessage().contains("video_slots must be a power of two"), r.getMessage());
    }

    @Test
    void shouldReportAnInvalidEscapeInAQuotedTableKeyAsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigFile.parse("[limits]\n[a.\"k\\E\"]\nx = 1\n", "esc.toml"));
        assertTrue(e.getMessage().startsWith("esc.toml:2:"), e.getMessage());
    }

    @Test
    void shouldReadArraysOfTablesListsAndInlineTablesAndCheckTheirKeys() {
        ConfigFile file = ConfigFile.parse("""
                [[pull]]
                match = "live/*"
                from = ["rtmp://a/live/x", "rtmp://b/live/x"]
                [[pull]]
                match = "tv/*"
                [origins]
                a = "rtmp://h"
                b = { url = "rtmp://g", ports = [1935, 1936] }
                """, "r.toml");
        var pulls = file.tableArray("pull");
        assertEquals(2, pulls.size());
        assertEquals("pull #2", pulls.get(1).name());
        assertEquals(java.util.List.of("rtmp://a/live/x", "rtmp://b/live/x"),
                pulls.get(0).getStringList("from", java.util.List.of()));
        assertEquals(java.util.List.of(), pulls.get(1).getStringList("from", java.util.List.of()));
        pulls.forEach(t -> t.getString("match", null));
        assertEquals(java.util.List.of(), file.tableArray("push"), "absent: no tables");
        ConfigSection origins = file.section("origins");
        assertEquals(java.util.List.of("a", "b"), origins.keys());
        assertFalse(origins.isTable("a"));
        assertEquals("rtmp://h", origins.getString("a", null));
        ConfigSection b = origins.table("b");
        assertEquals(java.util.List.of(1935L, 1936L), b.getLongList("ports", java.util.List.of(), 1, 65535));
        ConfigException unread = assertThrows(ConfigException.class, file::requireAllKeysUsed);
        assertEquals("r.toml:8: unknown key url in [origins.b]", unread.getMessage(), "inline tables are checked");
        b.getString("url", null);
        file.requireAllKeysUsed();

        ConfigFile typo = ConfigFile.parse("[[pull]]\nmatch = \"x/y\"\nfrm = [1]\n", "t.toml");
        typo.tableArray("pull").get(0).getString("match", null);
        assertEquals("t.toml:3: unknown key frm in [pull #1]",
                assertThrows(ConfigException.class, typo::requireAllKeysUsed).getMessage());
        ConfigFile notStrings = ConfigFile.parse("[[pull]]\nfrom = [1]\n", "n.toml");
        assertEquals("n.toml:2: [pull #1] from must be an array of strings, item 1 is not a string",
                assertThrows(ConfigException.class,
                        () -> notStrings.tableArray("pull").get(0).getStringList("from", null)).getMessage());
    }
}
