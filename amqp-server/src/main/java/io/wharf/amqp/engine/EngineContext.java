package io.wharf.amqp.engine;

import io.wharf.amqp.address.AddressResolver;
import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.broker.config.AmqpConfig;
import io.wharf.plugin.BrokerEventListener;
import io.wharf.store.queue.QueueRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * What every connection of the broker shares: limits, authentication, address resolution, the event sink, and
 * what the broker says about itself in {@code open}. Immutable apart from the id counter.
 *
 * @param openProperties      {@code open.properties} sent to every client (product, version, node, ...)
 * @param offeredCapabilities {@code open.offered-capabilities}
 */
public record EngineContext(
        AmqpConfig amqp,
        SaslAuthenticator authenticator,
        AddressResolver addresses,
        QueueRegistry queues,
        Backpressure backpressure,
        BrokerEventListener events,
        Map<Symbol, Object> openProperties,
        Symbol[] offeredCapabilities,
        AtomicLong connectionIds) {
}
