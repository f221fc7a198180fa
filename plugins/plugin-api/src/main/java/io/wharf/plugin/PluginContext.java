package io.wharf.plugin;

import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpRoutes;
import java.util.Map;

/** What a started plugin may use of the broker. */
public interface PluginContext {

    /**
     * Registers a listener for broker events; events arrive on a broker-owned thread, never a network loop.
     * Usually called from {@link WharfPlugin#start}; may be called later too. Ignored once the plugin has stopped.
     */
    void addEventListener(BrokerEventListener listener);

    /**
     * This plugin's own settings: the map under {@code plugins.settings.<name>} in wharf.yaml (empty when absent).
     * Unmodifiable, nested maps and lists included.
     */
    Map<String, Object> settings();

    /** The broker's product version, e.g. {@code 0.1.0}. */
    String brokerVersion();

    /** The broker's users and permissions (for management and authentication plugins). */
    UserAdmin users();

    /**
     * Adds an interceptor that sees every message (see {@link MessageInterceptor} for its threading contract).
     * Ignored once the plugin has stopped or was disabled.
     */
    void addInterceptor(MessageInterceptor interceptor);

    /** Adds a login check consulted before the broker's own users. Ignored once the plugin has stopped. */
    void addAuthenticationProvider(AuthenticationProvider provider);

    /** Adds a veto over what users may do with queues and exchanges. Ignored once the plugin has stopped. */
    void addAuthorizationProvider(AuthorizationProvider provider);

    /**
     * Adds an exchange type. Call from {@link WharfPlugin#start}: exchanges of the type stored earlier are
     * recovered before plugins start and wait for it. A type stays registered until the broker stops.
     *
     * @throws IllegalArgumentException when the name is a built-in type or another plugin provides it already
     */
    void addExchangeType(ExchangeTypeProvider provider);

    /** Declaring exchanges and publishing copies of messages, for plugins that route messages themselves. */
    PluginMessaging messaging();

    /** The broker's topology, connections, counters and alarms (for management and metrics plugins). */
    BrokerAdmin admin();

    /**
     * The management HTTP server's routes. Routes added here are removed when the plugin stops or fails to start.
     */
    HttpRoutes http();
}
