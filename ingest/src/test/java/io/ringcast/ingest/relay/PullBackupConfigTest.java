package io.ringcast.ingest.relay;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** A [[pull]] rule's {@code backup} URL. */
@Timeout(5)
class PullBackupConfigTest {
    private static RelayConfig read(String toml) {
        ConfigFile file = ConfigFile.parse(toml, "ringcast.toml");
        RelayConfig config = RelayConfig.read(file);
        file.requireAllKeysUsed();
        return config;
    }

    @Test
    void shouldReadABackupUrlWithPlaceholders() {
        RelayConfig c = read("""
                [[pull]]
                match = "live/*"
                from = ["rtmp://10.0.0.1/live/{name}"]
                backup = "http://10.0.0.2:8080/live/{name}.flv"
                """);
        PullRule rule = c.onDemandRuleFor(StreamPath.parse("live/cam1"));
        assertEquals("http://10.0.0.2:8080/live/cam1.flv",
                rule.backupUrlFor(StreamPath.parse("live/cam1")).map(UpstreamUrl::raw).orElseThrow());
    }

    @Test
    void shouldHaveNoBackupByDefault() {
        RelayConfig c = read("""
                [[pull]]
                match = "live/*"
                from = ["rtmp://10.0.0.1/live/{name}"]
                """);
        assertEquals(Optional.empty(), c.pulls().get(0).backupUrlFor(StreamPath.parse("live/x")));
    }

    @Test
    void shouldNameABadBackupUrl() {
        String message = assertThrows(ConfigException.class, () -> read("""
                [[pull]]
                match = "live/*"
                from = ["rtmp://10.0.0.1/live/{name}"]
                backup = "ftp://nowhere/x"
                """)).getMessage();
        assertTrue(message.contains("backup"), message);
    }
}
