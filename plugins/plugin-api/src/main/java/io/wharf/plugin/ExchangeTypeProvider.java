package io.wharf.plugin;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An exchange type contributed by a plugin, usable like the built-in ones: {@code PUT /exchanges/:x {type: ...}}
 * through the management link pair, exchanges in the metadata store, bindings to and from it, alternate exchanges.
 * Register with {@link PluginContext#addExchangeType} from {@link WharfPlugin#start}.
 *
 * <p>Exchanges of a type are kept (and recovered after a restart) even while no started plugin provides it: they
 * then route nothing, and the broker warns once per exchange at start. When the plugin comes back, they route again.
 */
public interface ExchangeTypeProvider {

    /**
     * The type name clients use, e.g. {@code x-consistent-hash}. Must not be one of the built-in types (direct,
     * fanout, topic, headers); the first provider of a name wins.
     */
    String type();

    /**
     * Checks an exchange's arguments when it is declared.
     *
     * @throws IllegalArgumentException with a message naming the bad argument; the client gets 400 with it
     */
    default void checkExchange(Map<String, Object> arguments) {
    }

    /**
     * Checks a binding from an exchange of this type before it is made.
     *
     * @throws IllegalArgumentException with a message naming the problem; the client gets 400 with it
     */
    default void checkBinding(ExchangeBinding binding) {
    }

    /**
     * The router of one exchange of this type. Called when the exchange is declared or recovered (or when this type
     * comes back for an exchange that was waiting for it).
     *
     * @param vhost     the exchange's virtual host
     * @param exchange  the exchange name
     * @param arguments its arguments (unmodifiable)
     */
    Router router(String vhost, String exchange, Map<String, Object> arguments);

    /** Routes the messages of one exchange. */
    @FunctionalInterface
    interface Router {

        /**
         * Calls {@code matched} with each binding the message goes through (a binding to an exchange continues
         * routing there). Called inline on network threads for every message published to the exchange: <b>must
         * not block</b> and should not allocate much. A router that throws routes nothing for that message; the
         * failure is logged.
         *
         * @param routingKey the message's routing key
         * @param headers    the message's application properties by name (null when absent), decoded on demand
         * @param bindings   the exchange's bindings now: an unmodifiable list, replaced (never changed) when bindings
         *                   change, so a router may cache what it derives from it keyed by identity
         */
        void route(String routingKey, Function<String, Object> headers, List<ExchangeBinding> bindings,
                Consumer<ExchangeBinding> matched);
    }
}
