/**
 * Wharf's extension points. Plugins implement {@link io.wharf.plugin.WharfPlugin}, are found with
 * {@link java.util.ServiceLoader} and see the broker only through {@link io.wharf.plugin.PluginContext}, where they
 * register {@link io.wharf.plugin.MessageInterceptor}s, {@link io.wharf.plugin.AuthenticationProvider}s,
 * {@link io.wharf.plugin.AuthorizationProvider}s, {@link io.wharf.plugin.ExchangeTypeProvider}s and
 * {@link io.wharf.plugin.BrokerEventListener}s. What runs on the broker's network threads (interceptors,
 * authorization, exchange routers) must not block; see {@link io.wharf.plugin.MessageInterceptor}.
 * This module depends on no other Wharf module; nothing here knows about AMQP framing or storage.
 */
package io.wharf.plugin;
