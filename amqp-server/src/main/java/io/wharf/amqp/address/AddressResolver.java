package io.wharf.amqp.address;

import io.wharf.exchange.DefaultExchange;
import io.wharf.store.queue.MessageQueue;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/** Turns link and message addresses into queues, or into the error the client gets. */
public final class AddressResolver {

    /** Either a queue, or an AMQP error condition with a description. */
    public record Resolution(MessageQueue queue, Symbol errorCondition, String error) {

        static Resolution of(MessageQueue queue) {
            return new Resolution(queue, null, null);
        }

        static Resolution failed(Symbol condition, String error) {
            return new Resolution(null, condition, error);
        }

        public boolean ok() {
            return queue != null;
        }
    }

    private final DefaultExchange defaultExchange;

    public AddressResolver(DefaultExchange defaultExchange) {
        this.defaultExchange = defaultExchange;
    }

    /** Where a producer's message to {@code address} goes. */
    public Resolution forPublish(String address) {
        return resolve(address, "publish to");
    }

    /** What a consumer attaching with source {@code address} reads. */
    public Resolution forConsume(String address) {
        return resolve(address, "consume from");
    }

    private Resolution resolve(String address, String verb) {
        Address parsed;
        try {
            parsed = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return Resolution.failed(AmqpError.INVALID_FIELD, e.getMessage());
        }
        if (parsed.kind() == Address.Kind.EXCHANGE) {
            return Resolution.failed(AmqpError.NOT_FOUND, "cannot " + verb + " '" + address
                    + "': exchange '" + parsed.name() + "' does not exist");
        }
        MessageQueue queue = defaultExchange.route(parsed.name());
        if (queue == null) {
            return Resolution.failed(AmqpError.NOT_FOUND, "cannot " + verb + " '" + address + "': queue '"
                    + parsed.name() + "' does not exist (queues.auto-create is off)");
        }
        return Resolution.of(queue);
    }
}
