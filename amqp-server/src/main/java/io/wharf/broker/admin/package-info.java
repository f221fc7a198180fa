/**
 * The broker's management view for plugins ({@link io.wharf.plugin.admin.BrokerAdmin}): topology reads and changes
 * through each virtual host's topology thread, management publish and get, connections and their links, message
 * rates, stream offsets, alarms. Knows nothing of HTTP.
 */
package io.wharf.broker.admin;
