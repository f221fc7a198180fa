package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;

/**
 * The exchange type {@code x-delayed-message}, for users of RabbitMQ's delayed-message exchange plugin: declared
 * with the argument {@code x-delayed-type} (direct, fanout, topic or headers), it routes like that type, and a
 * message carrying the application property {@code x-delay} (ms) is held before consumers see it.
 *
 * <p>Where the plugin keeps the message in the exchange and routes it when the delay is over, Wharf routes it at
 * publish and stores it, scheduled, in each matched queue (the same delay any queue honours for {@code x-delay}).
 * So: the publisher's outcome says whether any queue took it ({@code released} when none did, rather than a silent
 * drop at the due time); a binding added or removed during the delay does not change where it goes; and the held
 * message is in the queue's log, counted, listed and cancellable per queue, surviving restarts.
 */
public final class DelayedMessageExchange {

    public static final String TYPE = "x-delayed-message";
    public static final String DELAYED_TYPE_ARGUMENT = "x-delayed-type";

    private DelayedMessageExchange() {
    }

    /**
     * How an exchange of {@code definition} routes: its own type, or for {@code x-delayed-message} its
     * {@code x-delayed-type}.
     *
     * @throws TopologyException bad request, naming the problem, for an unknown type or a missing/bad
     *                           {@code x-delayed-type}
     */
    public static ExchangeType routingType(ExchangeDefinition definition) {
        if (!TYPE.equals(definition.type())) {
            return ExchangeType.parse(definition.type());
        }
        Object delayedType = definition.arguments().get(DELAYED_TYPE_ARGUMENT);
        if (delayedType == null) {
            throw TopologyException.badRequest("exchange type " + TYPE + " needs the argument "
                    + DELAYED_TYPE_ARGUMENT + " (direct, fanout, topic or headers)");
        }
        if (!(delayedType instanceof CharSequence)) {
            throw TopologyException.badRequest("argument " + DELAYED_TYPE_ARGUMENT + " must be an exchange type name "
                    + "(direct, fanout, topic or headers), not " + delayedType);
        }
        try {
            return ExchangeType.parse(delayedType.toString());
        } catch (TopologyException e) {
            throw TopologyException.badRequest("argument " + DELAYED_TYPE_ARGUMENT + " '" + delayedType
                    + "' is not an exchange type; it must be direct, fanout, topic or headers");
        }
    }

    /** The type name an exchange of {@code definition} is stored and reported with. */
    public static String label(ExchangeDefinition definition, ExchangeType routingType) {
        return TYPE.equals(definition.type()) ? TYPE : routingType.label();
    }
}
