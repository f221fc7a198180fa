package io.wharf.broker.plugin;

import io.wharf.plugin.WharfPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;

/**
 * Finds plugins: first on the broker's class path, then in each {@code *.jar} directly inside the plugins folder (in
 * file name order, so the result does not depend on the file system's listing order). Every plugin found is
 * instantiated, enabled or not, because {@link ServiceLoader} needs an instance to ask its {@link WharfPlugin#name()}.
 *
 * <p>Nothing a plugin does here stops discovery: a class path provider that fails is logged and skipped; a jar that
 * fails in any way is logged with its path and skipped whole, since half a plugin is worse than none.
 */
final class PluginDiscovery {

    static final String SERVICE_FILE = "META-INF/services/" + WharfPlugin.class.getName();
    static final String CLASS_PATH = "class path";

    private static final Logger LOG = LoggerFactory.getLogger(PluginDiscovery.class);

    private PluginDiscovery() {
    }

    /**
     * Discovers plugins. When two have the same name, the first found wins (the class path before the plugins
     * folder) and a warning names both. Jar class loaders are left open; the caller closes those it does not keep.
     *
     * @param dir    the plugins folder; may be missing or null (then only the class path is searched)
     * @param parent the broker's class loader, searched first and the parent of every jar's loader
     * @return the plugins by name, in discovery order
     */
    static Map<String, DiscoveredPlugin> discover(Path dir, ClassLoader parent) {
        Map<String, DiscoveredPlugin> byName = new LinkedHashMap<>();
        for (WharfPlugin plugin : classPathPlugins(parent)) {
            keepFirst(byName, plugin, CLASS_PATH, plugin.getClass().getClassLoader());
        }
        for (Path jar : jarsIn(dir)) {
            PluginJarClassLoader loader = jarLoader(jar, parent);
            if (loader == null) {
                continue;
            }
            List<WharfPlugin> plugins = jarPlugins(loader);
            for (WharfPlugin plugin : plugins) {
                keepFirst(byName, plugin, jar.toString(), loader);
            }
            if (byName.values().stream().noneMatch(kept -> kept.classLoader() == loader)) {
                close(loader);
            }
        }
        return byName;
    }

    /** Closes the jar class loaders of {@code discovered} that no plugin in {@code kept} uses. */
    static void closeUnused(Collection<DiscoveredPlugin> discovered, Collection<DiscoveredPlugin> kept) {
        discovered.stream()
                .filter(DiscoveredPlugin::fromJar)
                .map(plugin -> (PluginJarClassLoader) plugin.classLoader())
                .distinct()
                .filter(loader -> kept.stream().noneMatch(plugin -> plugin.classLoader() == loader))
                .forEach(PluginDiscovery::close);
    }

    static void close(PluginJarClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("Could not close the class loader of plugin jar {}", loader.jar(), e);
        }
    }

    private static List<WharfPlugin> classPathPlugins(ClassLoader parent) {
        List<WharfPlugin> plugins = new ArrayList<>();
        Iterator<WharfPlugin> providers = ServiceLoader.load(WharfPlugin.class, parent).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return plugins;
                }
                plugins.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                // The iterator moves past the failing provider, so the others are still found.
                LOG.error("Skipping a plugin on the class path that could not be loaded: {}", e.getMessage(), e);
            }
        }
    }

    private static List<Path> jarsIn(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            LOG.debug("No plugins folder at {}; looking for plugins on the class path only", dir);
            return List.of();
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    jars.add(entry);
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot list the plugins folder {}; its plugins are not loaded", dir, e);
            return List.of();
        }
        jars.sort(Comparator.comparing(jar -> jar.getFileName().toString()));
        return jars;
    }

    private static PluginJarClassLoader jarLoader(Path jar, ClassLoader parent) {
        // URLClassLoader silently ignores a jar it cannot open; opening it here first turns that into a log line.
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(SERVICE_FILE) == null) {
                LOG.warn("Skipping plugin jar {}: it has no {}", jar, SERVICE_FILE);
                return null;
            }
        } catch (IOException | SecurityException e) {
            LOG.error("Skipping plugin jar {}: cannot read it as a jar", jar, e);
            return null;
        }
        try {
            return new PluginJarClassLoader(jar, jar.toUri().toURL(), parent);
        } catch (MalformedURLException e) {
            LOG.error("Skipping plugin jar {}: its path is not a valid URL", jar, e);
            return null;
        }
    }

    private static List<WharfPlugin> jarPlugins(PluginJarClassLoader loader) {
        List<WharfPlugin> plugins = new ArrayList<>();
        try {
            for (WharfPlugin plugin : ServiceLoader.load(WharfPlugin.class, loader)) {
                plugins.add(plugin);
            }
            return plugins;
        } catch (ServiceConfigurationError | LinkageError e) {
            LOG.error("Skipping plugin jar {}: {}", loader.jar(), e.getMessage(), e);
            return List.of();
        }
    }

    private static void keepFirst(Map<String, DiscoveredPlugin> byName, WharfPlugin plugin, String origin,
                                  ClassLoader classLoader) {
        String name;
        try {
            name = plugin.name();
        } catch (Exception | LinkageError e) {
            LOG.error("Skipping plugin {} from {}: its name() threw", plugin.getClass().getName(), origin, e);
            return;
        }
        if (name == null || name.isBlank()) {
            LOG.error("Skipping plugin {} from {}: its name() is empty", plugin.getClass().getName(), origin);
            return;
        }
        DiscoveredPlugin first = byName.get(name);
        if (first != null) {
            LOG.warn("Two plugins are named '{}': {} from {} and {} from {}; using the first", name,
                    first.plugin().getClass().getName(), first.origin(), plugin.getClass().getName(), origin);
            return;
        }
        byName.put(name, new DiscoveredPlugin(name, plugin, origin, classLoader));
    }
}
