package io.wharf.broker;

import io.wharf.exchange.TopologyListener;
import io.wharf.plugin.BrokerEventListener;
import io.wharf.plugin.BrokerEventListener.BindingEvent;
import io.wharf.plugin.BrokerEventListener.ExchangeEvent;
import io.wharf.plugin.BrokerEventListener.QueueEvent;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageQueue;
import java.util.function.Supplier;

/**
 * Turns one virtual host's topology and queue changes into plugin events. The listener is looked up at each event:
 * vhosts are made (and recovered) before the plugin host starts.
 */
final class TopologyEvents implements TopologyListener {

    private final Supplier<BrokerEventListener> events;

    TopologyEvents(Supplier<BrokerEventListener> events) {
        this.events = events;
    }

    void queueDeclared(MessageQueue queue) {
        events.get().queueDeclared(queueEvent(queue));
    }

    void queueDeleted(MessageQueue queue) {
        events.get().queueDeleted(queueEvent(queue));
    }

    private static QueueEvent queueEvent(MessageQueue queue) {
        return new QueueEvent(queue.definition().vhost(), queue.name(), queue.definition().type(),
                queue.definition().durable());
    }

    @Override
    public void exchangeDeclared(ExchangeDefinition exchange) {
        events.get().exchangeDeclared(exchangeEvent(exchange));
    }

    @Override
    public void exchangeDeleted(ExchangeDefinition exchange) {
        events.get().exchangeDeleted(exchangeEvent(exchange));
    }

    private static ExchangeEvent exchangeEvent(ExchangeDefinition x) {
        return new ExchangeEvent(x.vhost(), x.name(), x.type(), x.durable());
    }

    @Override
    public void bindingAdded(BindingDefinition binding) {
        events.get().bindingAdded(bindingEvent(binding));
    }

    @Override
    public void bindingRemoved(BindingDefinition binding) {
        events.get().bindingRemoved(bindingEvent(binding));
    }

    private static BindingEvent bindingEvent(BindingDefinition b) {
        return new BindingEvent(b.vhost(), b.source(), b.destination(), b.destinationKind() == DestinationKind.QUEUE,
                b.routingKey(), b.arguments());
    }
}
