package io.ringcast.broadcast.plugin;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import io.ringcast.broadcast.config.ConfigSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(10)
class PluginHostTest {
    private final List<String> log = new ArrayList<>();

    /** A plugin that logs its life; {@code failOnStart} makes start throw. */
    private final class Probe implements Plugin {
        private final String name;
        private final int order;
        private final boolean failOnStart;
        private boolean enable;

        Probe(String name, int order, boolean failOnStart) {
            this.name = name;
            this.order = order;
            this.failOnStart = failOnStart;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int order() {
            return order;
        }

        @Override
        public void configure(ConfigSection section) {
            enable = section.getBoolean("enable", true);
            log.add("configure " + name);
        }

        @Override
        public boolean enabled() {
            return enable;
        }

        @Override
        public void start(Engine engine) {
            if (failOnStart) {
                throw new IllegalStateException("port 1935 in use");
            }
            log.add("start " + name);
        }

        @Override
        public void stop() {
            log.add("stop " + name);
        }
    }

    @Test
    void shouldStartEnabledPluginsInOrderAndStopThemInReverse() {
        PluginHost host = new PluginHost(List.of(new Probe("c", 30, false), new Probe("a", 10, false),
                new Probe("b", 20, false)));
        ConfigFile config = ConfigFile.parse("[b]\nenable = false\n", "p.toml");
        host.configure(config);
        config.requireAllKeysUsed();
        host.start(null);
        assertTrue(host.started("a").isPresent());
        assertTrue(host.started("b").isEmpty(), "disabled");
        host.close();
        assertEquals(List.of("configure a", "configure b", "configure c", "start a", "start c", "stop c",
                "stop a"), log);
    }

    @Test
    void shouldStopStartupNamingThePluginThatFailedAndStopTheOnesAlreadyStarted() {
        PluginHost host = new PluginHost(List.of(new Probe("rtmp", 10, false), new Probe("hls", 20, true),
                new Probe("record", 30, false)));
        host.configure(ConfigFile.empty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> host.start(null));
        assertEquals("plugin hls failed to start: port 1935 in use", e.getMessage());
        assertEquals(List.of("configure rtmp", "configure hls", "configure record", "start rtmp", "stop rtmp"), log);
    }
}
