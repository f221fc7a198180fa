/**
 * Wharf's extension points. Plugins implement {@link io.wharf.plugin.WharfPlugin}, are found with
 * {@link java.util.ServiceLoader} and see the broker only through {@link io.wharf.plugin.PluginContext}.
 * This module depends on no other Wharf module; nothing here knows about AMQP framing or storage.
 */
package io.wharf.plugin;
