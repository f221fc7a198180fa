package io.wharf.plugin;

/**
 * A plugin: found with {@link java.util.ServiceLoader} (on the class path or as one jar in the
 * plugins folder), started when the broker starts if its {@link #name()} is enabled in
 * {@code wharf.yaml}, stopped when the broker stops. A plugin that throws is logged and isolated.
 */
public interface WharfPlugin {

    /** The name used to enable the plugin in {@code plugins.enabled}. */
    String name();

    /** Called once, after the broker has started listening. */
    void start(PluginContext context) throws Exception;

    /** Called once when the broker stops. */
    default void stop() throws Exception {
    }
}
