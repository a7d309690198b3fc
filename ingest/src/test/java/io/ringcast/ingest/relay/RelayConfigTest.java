package io.ringcast.ingest.relay;

import io.ringcast.broadcast.config.ConfigException;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.upstream.UpstreamUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class RelayConfigTest {
    private static final String EXAMPLE = """
            [relay]
            enable = true
            allow_hosts = ["10.0.0.*", "origin.example", "127.0.0.1:1935"]
            max_pulls = 64
            max_pushes = 64
            connect_timeout_ms = 3000
            read_timeout_ms = 5000
            backoff_min_ms = 500
            backoff_max_ms = 10000

            [[pull]]
            match = "live/*"
            from = ["rtmp://10.0.0.1/live/{name}", "http://10.0.0.2:8080/live/{name}.flv"]
            on_demand = true

            [[pull]]
            match = "tv/news"
            from = ["rtmp://user:pw@10.0.0.3/{app}/{name}"]
            on_demand = false

            [[push]]
            match = "live/*"
            to = ["rtmp://proxy/myapp/{name}"]

            [origins]
            a = "rtmp://127.0.0.2:1935"
            b = { url = "rtmp://127.0.0.3", ports = [1935, 1936] }
            """;

    private static RelayConfig read(String toml) {
        ConfigFile file = ConfigFile.parse(toml, "ringcast.toml");
        RelayConfig config = RelayConfig.read(file);
        file.requireAllKeysUsed();
        return config;
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> read(toml)).getMessage();
    }

    @Test
    void shouldReadTheDocumentedExample() {
        RelayConfig c = read(EXAMPLE);
        assertTrue(c.enable());
        assertEquals(List.of("10.0.0.*", "origin.example", "127.0.0.1:1935"),
                c.allowHosts().stream().map(HostPattern::toString).toList());
        assertEquals(64, c.maxPulls());
        assertEquals(5_000, c.readTimeoutMs());
        assertEquals(10_000, c.backoffMaxMs());
        assertEquals(2, c.pulls().size());
        PullRule rule = c.onDemandRuleFor(StreamPath.parse("live/cam1"));
        assertEquals(List.of("rtmp://10.0.0.1/live/cam1", "http://10.0.0.2:8080/live/cam1.flv"),
                rule.urlsFor(StreamPath.parse("live/cam1")).stream().map(UpstreamUrl::raw).toList());
        assertNull(c.onDemandRuleFor(StreamPath.parse("tv/news")), "the always-on rule supplies nothing on demand");
        PullRule always = c.pulls().get(1);
        assertFalse(always.onDemand());
        assertEquals("rtmp://***@10.0.0.3/tv/news", always.urlsFor(always.match().literalPath()).get(0).masked());
        assertEquals("rtmp://proxy/myapp/cam1",
                c.pushes().get(0).to().get(0).urlFor(StreamPath.parse("live/cam1")).raw());
        assertEquals(Set.of(1935), c.origins().get("a").ports());
        assertEquals(Set.of(1935, 1936), c.origins().get("b").ports());
        assertEquals("rtmp://127.0.0.3:1936/myapp/test",
                c.origins().get("b").urlFor(1936, StreamPath.parse("myapp/test")).raw());
    }

    @Test
    void shouldDefaultToNoAllowedHostsAndTheDocumentedLimits() {
        RelayConfig c = read("");
        assertEquals(RelayConfig.DEFAULTS, c);
        assertEquals(List.of(), c.allowHosts());
        assertEquals(3_000, c.connectTimeoutMs());
    }

    @Test
    void shouldNameTheProblemOfEachBadRule() {
        assertEquals("ringcast.toml:3: [pull #1] from is invalid: unsupported URL scheme 'ftp': expected rtmp:// or "
                + "http://", error("[[pull]]\nmatch = \"live/*\"\nfrom = [\"ftp://x/live/{name}\"]\n"));
        assertEquals("ringcast.toml:2: [pull #1] match is invalid: pattern must be app/name (wildcards * and ?): "
                + "\"live\"", error("[[pull]]\nmatch = \"live\"\nfrom = [\"rtmp://x/live/{name}\"]\n"));
        assertEquals("ringcast.toml:2: [pull #1] match is invalid: pattern \"live/c am\" has a character a stream "
                + "path cannot hold: ' '", error("[[pull]]\nmatch = \"live/c am\"\nfrom = [\"rtmp://x/a/b\"]\n"));
        assertEquals("ringcast.toml:3: [pull #1] from must list at least one URL",
                error("[[pull]]\nmatch = \"live/*\"\nfrom = []\n"));
        assertEquals("ringcast.toml: [pull #1] from must list at least one URL",
                error("[[pull]]\nmatch = \"live/*\"\n"));
        assertEquals("ringcast.toml:4: [pull #1] on_demand = false needs a match naming one stream "
                        + "(app/name), not the pattern \"live/*\"",
                error("[[pull]]\nmatch = \"live/*\"\nfrom = [\"rtmp://x/live/{name}\"]\non_demand = false\n"));
        assertEquals("ringcast.toml:3: [pull #1] from is invalid: unknown placeholder {stream} in "
                + "rtmp://x/live/{stream} (known: {app} {name})",
                error("[[pull]]\nmatch = \"live/*\"\nfrom = [\"rtmp://x/live/{stream}\"]\n"));
        assertEquals("ringcast.toml:4: unknown key form in [pull #1]",
                error("[[pull]]\nmatch = \"live/*\"\nfrom = [\"rtmp://x/live/{name}\"]\nform = 1\n"));
        assertEquals("ringcast.toml:2: [push #1] to must list at least one URL",
                error("[[push]]\nto = []\nmatch = \"live/*\"\n"));
        assertEquals("ringcast.toml:2: unknown key max_pull in [relay]", error("[relay]\nmax_pull = 3\n"));
        assertEquals("ringcast.toml:3: [push #1] to is invalid: a push target must be an rtmp:// URL: "
                + "http://proxy/live/{name}.flv",
                error("[[push]]\nmatch = \"live/*\"\nto = [\"http://proxy/live/{name}.flv\"]\n"));
        assertEquals("ringcast.toml:1: pull must be an array of tables [[pull]]", error("pull = 3\n"));
    }

    @Test
    void shouldRejectBadOriginsHostsAndBackoffs() {
        assertEquals("ringcast.toml:2: [origins] a is invalid: origin a: the URL must have no path or query, the "
                + "request names app and stream: rtmp://h/live", error("[origins]\na = \"rtmp://h/live\"\n"));
        assertEquals("ringcast.toml:2: [origins] b is invalid: unsupported URL scheme 'ftp': expected rtmp:// or "
                + "http://", error("[origins]\nb = \"ftp://h\"\n"));
        assertTrue(error("[origins]\nb = { url = \"rtmp://h\", ports = [0] }\n")
                .contains("[origins.b] ports must be an array of integers between 1 and 65535"));
        assertTrue(error("[origins]\nb = { url = \"rtmp://h\", port = [1] }\n").contains("unknown key port in "
                + "[origins.b]"));
        assertEquals("ringcast.toml:2: [origins] b needs url = \"rtmp://host[:port]\"",
                error("[origins]\nb = { ports = [1] }\n"));
        assertTrue(error("[relay]\nallow_hosts = [\"10.0.0.1:99999\"]\n").contains("port out of range"));
        assertTrue(error("[relay]\nallow_hosts = [\"a/b\"]\n").contains("is not a host name, address or glob"));
        assertTrue(error("[relay]\nbackoff_min_ms = 5000\nbackoff_max_ms = 100\n")
                .contains("backoff_max_ms (100) must not be below backoff_min_ms (5000)"));
    }

    @Test
    void shouldMatchHostPatternsWithAndWithoutPorts() {
        HostPattern lan = HostPattern.parse("10.0.0.*");
        assertTrue(lan.matches(UpstreamUrl.parse("rtmp://10.0.0.17/live/x")));
        assertFalse(lan.matches(UpstreamUrl.parse("rtmp://10.0.1.17/live/x")));
        HostPattern port = HostPattern.parse("127.0.0.1:1935");
        assertTrue(port.matches(UpstreamUrl.parse("rtmp://127.0.0.1/live/x")), "1935 is rtmp's default");
        assertFalse(port.matches(UpstreamUrl.parse("http://127.0.0.1/live/x.flv")), "80 is not 1935");
        HostPattern v6 = HostPattern.parse("[::1]:8080");
        assertTrue(v6.matches(UpstreamUrl.parse("http://[::1]:8080/live/x.flv")));
        assertTrue(HostPattern.parse("*.Example.com").matches(UpstreamUrl.parse("rtmp://cdn.example.com/a/b")));
    }
}
