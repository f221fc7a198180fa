package io.wharf.broker.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Plugins (yaml section {@code plugins}).
 *
 * @param dir      {@code plugins.dir}: folder of plugin jars, one plugin each (default {@code plugins})
 * @param enabled  {@code plugins.enabled}: names of the plugins to start (default none)
 * @param settings {@code plugins.settings}: per-plugin settings maps, keyed by plugin name
 */
public record PluginsConfig(Path dir, List<String> enabled, Map<String, Map<String, Object>> settings) {
}
