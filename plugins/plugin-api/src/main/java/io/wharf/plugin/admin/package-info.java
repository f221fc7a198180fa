/**
 * A management view of the broker for plugins: virtual hosts, queues, exchanges, bindings, connections and their
 * links, message counters and rates, stream offsets, alarms. {@link io.wharf.plugin.admin.BrokerAdmin} is offered
 * by {@link io.wharf.plugin.PluginContext#admin()}.
 */
package io.wharf.plugin.admin;
