package io.ringcast.ingest.hooks;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.hooks.HookEvent;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HooksConfigTest {
    private static HooksConfig read(String toml) {
        return HooksConfig.read(ConfigFile.parse(toml, "hooks.toml").section("hooks"));
    }

    @Test
    void shouldDefaultToNginxRtmpShapeThreeSecondsAndRefuseOnFailureWithoutUrls() {
        HooksConfig config = read("");
        assertEquals("nginx-rtmp", config.style());
        assertEquals(3_000, config.timeoutMs());
        assertFalse(config.allowOnFailure());
        assertFalse(config.anyUrl());
        assertEquals(3, config.notifyRetries());
        assertEquals(256, config.maxInFlight());
    }

    @Test
    void shouldReadEveryHookUrlAndOption() {
        HooksConfig config = read("""
                [hooks]
                style = "srs"
                on_publish = "http://auth.lan/publish"
                on_stop = "https://auth.lan:8443/stop?token=x"
                timeout_ms = 500
                on_failure = "allow"
                notify_retries = 5
                notify_backoff_ms = 200
                max_in_flight = 64
                max_queued = 100
                threads = 4
                """);
        assertEquals("srs", config.style());
        assertEquals(URI.create("http://auth.lan/publish"), config.url(HookEvent.PUBLISH));
        assertEquals(URI.create("https://auth.lan:8443/stop?token=x"), config.url(HookEvent.STOP));
        assertNull(config.url(HookEvent.PLAY));
        assertTrue(config.allowOnFailure());
        assertEquals(500, config.timeoutMs());
        assertEquals(5, config.notifyRetries());
        assertEquals(200, config.notifyBackoffMs());
        assertEquals(64, config.maxInFlight());
        assertEquals(100, config.maxQueued());
        assertEquals(4, config.threads());
    }

    @Test
    void shouldStopStartupWithFileLineAndKeyForBadValues() {
        ConfigException style = assertThrows(ConfigException.class, () -> read("[hooks]\n\nstyle = \"wowza\"\n"));
        assertEquals("hooks.toml:3: [hooks] style must be \"nginx-rtmp\" or \"srs\", is \"wowza\"", style.getMessage());
        ConfigException failure = assertThrows(ConfigException.class, () -> read("[hooks]\non_failure = \"maybe\"\n"));
        assertTrue(failure.getMessage().startsWith("hooks.toml:2: [hooks] on_failure must be"), failure.getMessage());
        ConfigException url = assertThrows(ConfigException.class, () -> read("[hooks]\non_play = \"ftp://x/y\"\n"));
        assertEquals("hooks.toml:2: [hooks] on_play must be an http:// or https:// URL with a host",
                url.getMessage());
        ConfigException timeout = assertThrows(ConfigException.class, () -> read("[hooks]\ntimeout_ms = 0\n"));
        assertTrue(timeout.getMessage().contains("[hooks] timeout_ms must be between 1 and"), timeout.getMessage());
    }
}
