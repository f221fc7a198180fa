package io.wharf.amqp.address;

import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.RoutedQueues;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.MessageQueue;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * Where a producer's messages go, resolved from an address: one queue (through the default exchange), or an
 * exchange with a routing key. Immutable; {@link #route} runs on the producer's event loop without locks.
 */
public final class PublishTarget {

    /** Why a message cannot be routed at all: the outcome is {@code rejected} with this error. */
    public record Refusal(Symbol condition, String description) {
    }

    private final String address;
    private final MessageQueue queue;
    private final Topology topology;
    private final String exchange;
    private final String routingKey;
    private final boolean jmsTopic;

    private PublishTarget(String address, MessageQueue queue, Topology topology, String exchange, String routingKey,
            boolean jmsTopic) {
        this.address = address;
        this.queue = queue;
        this.topology = topology;
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.jmsTopic = jmsTopic;
    }

    public static PublishTarget queue(String address, MessageQueue queue) {
        return new PublishTarget(address, queue, null, null, null, false);
    }

    static PublishTarget exchange(String address, Topology topology, String exchange, String routingKey) {
        return new PublishTarget(address, null, topology, exchange, routingKey, false);
    }

    static PublishTarget jmsTopic(String address, Topology topology, String exchange, String routingKey) {
        return new PublishTarget(address, null, topology, exchange, routingKey, true);
    }

    /**
     * Whether a message that reaches no queue is {@code accepted} rather than {@code released}: for JMS topics
     * (a plain name with capability {@code topic}), where a message nobody subscribed to is simply dropped and Qpid
     * JMS would fail the send on {@code released}. Everywhere else unroutable is {@code released}, as in RabbitMQ.
     */
    public boolean acceptsUnroutable() {
        return jmsTopic;
    }

    /** The address as the client gave it. */
    public String address() {
        return address;
    }

    /** The exchange messages go through: {@code ""} (the default exchange) for a queue target. */
    public String exchangeName() {
        return queue != null ? "" : exchange;
    }

    /** The target queue; null for an exchange target. */
    public MessageQueue queue() {
        return queue;
    }

    /**
     * Adds the queues {@code message} goes to into {@code out} (none: unroutable, the outcome is {@code released}).
     * Returns null, or the refusal when the exchange is gone or may not be published to.
     */
    public Refusal route(MessageView message, RoutedQueues out) {
        if (queue != null) {
            out.add(queue);
            return null;
        }
        Exchange x = topology.exchange(exchange);
        Refusal refusal = check(x, exchange);
        if (refusal != null) {
            return refusal;
        }
        topology.route(x, routingKey, new ApplicationPropertyHeaders(message), out);
        return null;
    }

    /** Null when messages may be published to {@code x}; else why not. */
    static Refusal check(Exchange x, String name) {
        if (x == null) {
            return new Refusal(AmqpError.NOT_FOUND, "exchange '" + name + "' does not exist");
        }
        if (x.internal()) {
            return new Refusal(AmqpError.UNAUTHORIZED_ACCESS, "exchange '" + name
                    + "' is internal: it takes messages from other exchanges only");
        }
        return null;
    }

    @Override
    public String toString() {
        return queue != null ? "queue '" + queue.name() + "'" : "exchange '" + exchange + "' key '" + routingKey + "'";
    }
}
