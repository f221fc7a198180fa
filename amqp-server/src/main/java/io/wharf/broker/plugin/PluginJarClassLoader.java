package io.wharf.broker.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Enumeration;

/**
 * Loads one plugin jar as a child of the broker's class loader. Classes resolve parent first as usual (the jar sees
 * the SPI and the broker's libraries), but the plugin service file is looked up in the jar only: otherwise
 * {@link java.util.ServiceLoader} would also list every plugin of the parent again, once per jar.
 */
final class PluginJarClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Path jar;

    PluginJarClassLoader(Path jar, URL jarUrl, ClassLoader parent) {
        super("plugin:" + jar.getFileName(), new URL[] {jarUrl}, parent);
        this.jar = jar;
    }

    Path jar() {
        return jar;
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (PluginDiscovery.SERVICE_FILE.equals(name)) {
            return findResources(name);
        }
        return super.getResources(name);
    }
}
