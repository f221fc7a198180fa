package io.wharf.amqp.engine;

import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.amqp.stats.BrokerCounters;
import io.wharf.broker.config.AmqpConfig;
import io.wharf.broker.plugin.PluginHost;
import io.wharf.broker.security.Security;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * What every connection of the broker shares: limits, authentication, the virtual hosts, the event sink, and
 * what the broker says about itself in {@code open}. Immutable apart from the id counter and the virtual hosts.
 *
 * @param events              broker events for plugins; {@link PluginHost#hasListeners()} tells whether building
 *                            one is worth it
 * @param vhosts              virtual hosts by name; a connection picks one at open
 * @param openProperties      {@code open.properties} sent to every client (product, version, node, ...)
 * @param offeredCapabilities {@code open.offered-capabilities}
 * @param security            permissions, connection counters and limits
 * @param connections         the open connections, for management
 * @param counters            message counters for management rates
 * @param transactions        the transaction journal and duplicate-detection defaults
 */
public record EngineContext(
        AmqpConfig amqp,
        SaslAuthenticator authenticator,
        VirtualHosts vhosts,
        Backpressure backpressure,
        PluginHost events,
        Map<Symbol, Object> openProperties,
        Symbol[] offeredCapabilities,
        AtomicLong connectionIds,
        Security security,
        Connections connections,
        BrokerCounters counters,
        TransactionSupport transactions) {
}
