/**
 * The plugin host: finds {@link io.wharf.plugin.WharfPlugin}s on the class path and in the plugins folder, starts the
 * enabled ones in configured order, stops them in reverse, and carries broker events from the network threads to
 * plugin listeners on one thread of its own ({@link io.wharf.broker.plugin.PluginHost} is the only public type).
 * A plugin that throws is logged and isolated here, so nothing above this package needs to guard against plugins.
 * This package knows the plugin SPI and {@link io.wharf.broker.config.PluginsConfig}; it knows nothing of AMQP,
 * Netty or storage.
 */
package io.wharf.broker.plugin;
