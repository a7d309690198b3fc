package io.ringcast.ingest.cluster;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code [cluster]}: defaults, the derived {@code advertise_rtmp}, and every bad value named by file, line and key. */
@Timeout(10)
class ClusterConfigReaderTest {
    private static final String FILE = "node.toml";

    private static ClusterConfig read(String toml) {
        return ClusterConfigReader.read(ConfigFile.parse(toml, FILE), () -> "host-1.example");
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> read(toml)).getMessage();
    }

    @Test
    void shouldBeOffWithoutADirectoryAndAskNoHostName() {
        ClusterConfig config = ClusterConfigReader.read(ConfigFile.parse("[cluster]\nrole = \"edge\"\n", FILE),
                () -> {
                    throw new AssertionError("host name asked with the cluster off");
                });
        assertFalse(config.enabled());
        assertEquals(ClusterRole.EDGE, config.role());
        assertEquals("", config.nodeId());
        assertFalse(ClusterConfigReader.read(ConfigFile.empty(), () -> "h").enabled(), "no section at all: off");
    }

    @Test
    void shouldApplyTheDefaultsAndDeriveTheRtmpUrlFromTheAdvertiseHostAndRtmpPort() {
        ClusterConfig config = read("""
                [rtmp]
                port = 1940
                [cluster]
                advertise = "http://10.77.0.11:8080/"
                directory = "redis://10.77.0.2:6379"
                """);
        assertTrue(config.enabled());
        assertEquals("host-1.example", config.nodeId(), "the host name by default");
        assertEquals(ClusterRole.BOTH, config.role());
        assertEquals("http://10.77.0.11:8080", config.advertiseHttp(), "trailing slash dropped");
        assertEquals("rtmp://10.77.0.11:1940", config.advertiseRtmp());
        assertEquals(10_000, config.entryTtlMs());
        assertEquals(3_000, config.nodeTtlMs());
        assertEquals(500, config.redisTimeoutMs());
        assertEquals("http-flv", config.pullOver());
        assertEquals("ringcast:", config.keyPrefix());
    }

    @Test
    void shouldReadEveryKey() {
        ClusterConfig config = read("""
                [cluster]
                node_id = "o1"
                role = "origin"
                advertise = "http://10.77.0.11:8080"
                advertise_rtmp = "rtmp://10.77.1.11:1936"
                directory = "rediss://user:s3cret@redis.lan:6380/2"
                entry_ttl_ms = 5000
                node_ttl_ms = 300
                redis_timeout_ms = 200
                pull_over = "rtmp"
                key_prefix = "rc1:"
                """);
        assertEquals(new ClusterConfig("o1", ClusterRole.ORIGIN, "http://10.77.0.11:8080", "rtmp://10.77.1.11:1936",
                "rediss://user:s3cret@redis.lan:6380/2", 5000, 300, 200, "rtmp", "rc1:"), config);
    }

    @Test
    void shouldNameFileLineAndKeyOfEveryBadValue() {
        String base = "[cluster]\ndirectory = \"redis://127.0.0.1:6379\"\nadvertise = \"http://10.0.0.1:8080\"\n";
        assertEquals(FILE + ":4: [cluster] node_id must be 1-64 characters of A-Z a-z 0-9 _ . -, is \"o 1\"",
                error(base + "node_id = \"o 1\"\n"));
        assertEquals(FILE + ":4: [cluster] role must be \"origin\", \"edge\" or \"both\", is \"master\"",
                error(base + "role = \"master\"\n"));
        assertEquals(FILE + ":4: [cluster] pull_over must be \"http-flv\" or \"rtmp\", is \"hls\"",
                error(base + "pull_over = \"hls\"\n"));
        assertEquals(FILE + ":4: [cluster] node_ttl_ms must be between 30 and 86400000, is 0",
                error(base + "node_ttl_ms = 0\n"));
        assertEquals(FILE + ":4: [cluster] entry_ttl_ms must be an integer, found string",
                error(base + "entry_ttl_ms = \"10s\"\n"));
        assertEquals(FILE + ":4: [cluster] redis_timeout_ms must be between 1 and 60000, is 0",
                error(base + "redis_timeout_ms = 0\n"));
        assertTrue(error(base + "advertise_rtmp = \"http://10.0.0.1:1935\"\n")
                .startsWith(FILE + ":4: [cluster] advertise_rtmp must be rtmp://host:port"));
        assertTrue(error(base + "key_prefix = \"a b\"\n").startsWith(FILE + ":4: [cluster] key_prefix must be"));
        assertTrue(error("[cluster]\ndirectory = \"redis://127.0.0.1:6379\"\nadvertise = \"http://10.0.0.1\"\n")
                .startsWith(FILE + ":3: [cluster] advertise must be http://host:port"), "a port is required");
    }

    @Test
    void shouldRequireAdvertiseWithADirectory() {
        assertEquals(FILE + ": [cluster] advertise is required when directory is set: how other nodes reach this one,"
                + " e.g. \"http://10.0.0.1:8080\"", error("[cluster]\ndirectory = \"redis://127.0.0.1:6379\"\n"));
    }

    @Test
    void shouldRefuseABadDirectoryWithoutShowingItsPassword() {
        String advertise = "[cluster]\nadvertise = \"http://10.0.0.1:8080\"\n";
        String wrongScheme = error(advertise + "directory = \"http://:hunter2@127.0.0.1:6379\"\n");
        assertEquals(FILE + ":3: [cluster] directory must be a redis:// or rediss:// URL, is http://***@127.0.0.1:6379",
                wrongScheme);
        String badDb = error(advertise + "directory = \"redis://:hunter2@127.0.0.1:6379/x\"\n");
        assertTrue(badDb.startsWith(FILE + ":3: [cluster] directory may end in /DB"), badDb);
        assertFalse(badDb.contains("hunter2"), badDb);
        assertTrue(error(advertise + "directory = \"redis:///0\"\n")
                .startsWith(FILE + ":3: [cluster] directory has no host"));
    }

    @Test
    void shouldRefuseAHostNameThatIsNoNodeId() {
        String message = assertThrows(ConfigException.class, () -> ClusterConfigReader.read(ConfigFile.parse(
                "[cluster]\ndirectory = \"redis://127.0.0.1:6379\"\nadvertise = \"http://10.0.0.1:8080\"\n", FILE),
                () -> "bad host")).getMessage();
        assertTrue(message.contains("[cluster] node_id is not set and the host name \"bad host\" is not a valid node "
                + "id"), message);
    }
}
