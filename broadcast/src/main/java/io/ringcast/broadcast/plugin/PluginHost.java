package io.ringcast.broadcast.plugin;

import io.ringcast.broadcast.Engine;
import io.ringcast.broadcast.config.ConfigFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the plugins on the class path, configures them from their sections, starts the enabled ones in order and
 * stops them in reverse. Startup and shutdown only; one thread.
 */
public final class PluginHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final List<Plugin> plugins;
    private final List<Plugin> started = new ArrayList<>();

    public PluginHost(List<Plugin> plugins) {
        this.plugins = new ArrayList<>(plugins);
        this.plugins.sort(Comparator.comparingInt(Plugin::order).thenComparing(Plugin::name));
    }

    /** The plugins registered with {@link ServiceLoader} for the given class loader. */
    public static PluginHost discover(ClassLoader loader) {
        List<Plugin> found = new ArrayList<>();
        ServiceLoader.load(Plugin.class, loader).forEach(found::add);
        return new PluginHost(found);
    }

    /** Lets every plugin read its section; call before {@link ConfigFile#requireAllKeysUsed()}. */
    public void configure(ConfigFile config) {
        for (Plugin p : plugins) {
            p.configure(config);
        }
    }

    /** Starts the enabled plugins; on failure stops the ones already started and throws, naming the plugin. */
    public void start(Engine engine) {
        for (Plugin p : plugins) {
            if (!p.enabled()) {
                LOG.info("plugin {} disabled", p.name());
                continue;
            }
            try {
                p.start(engine);
                started.add(p);
                LOG.info("plugin {} started", p.name());
            } catch (Exception e) {
                close();
                throw new IllegalStateException("plugin " + p.name() + " failed to start: " + e.getMessage(), e);
            }
        }
    }

    /** The started plugin of that name, if any. */
    public java.util.Optional<Plugin> started(String name) {
        return started.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<Plugin> plugins() {
        return List.copyOf(plugins);
    }

    /** Stops the started plugins in reverse order. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Plugin p = started.get(i);
            try {
                p.stop();
            } catch (RuntimeException e) {
                LOG.error("plugin {} failed to stop cleanly", p.name(), e);
            }
        }
        started.clear();
    }
}
