package io.wharf.broker.plugin;

import io.wharf.plugin.WharfPlugin;

/**
 * A plugin instance found by {@link PluginDiscovery}, not yet started.
 *
 * @param name        the plugin's {@link WharfPlugin#name()}, read once
 * @param plugin      the instance
 * @param origin      where it came from, for log messages: {@code class path} or the jar's path
 * @param classLoader the class loader that defined it; for a plugin jar, the loader to close when done with it
 */
record DiscoveredPlugin(String name, WharfPlugin plugin, String origin, ClassLoader classLoader) {

    /** True when the plugin came from a jar of the plugins folder rather than the broker's class path. */
    boolean fromJar() {
        return classLoader instanceof PluginJarClassLoader;
    }
}
