package io.wharf.plugin;

import java.util.Map;

/**
 * Broker events. Every method has an empty default so a listener overrides only what it needs.
 * Calls arrive in order on one broker-owned thread; a listener that blocks delays only other listeners.
 *
 * <p>Events are best effort: the broker queues a bounded number of them for plugins and, when listeners fall
 * that far behind, drops new ones (counted and logged) rather than slowing clients down. A listener that throws
 * is logged once per exception type and keeps receiving later events.
 */
public interface BrokerEventListener {

    default void connectionOpened(ConnectionInfo connection) {
    }

    default void connectionClosed(ConnectionInfo connection) {
    }

    default void messagePublished(PublishedMessage message) {
    }

    /** The broker has started: it listens for clients and every plugin has started. */
    default void brokerStarted(String brokerVersion) {
    }

    /**
     * The broker is stopping: the first event of its stop. Events of the clients it disconnects (connections closed,
     * consumers detached) follow; then the plugins stop.
     */
    default void brokerStopping() {
    }

    default void queueDeclared(QueueEvent queue) {
    }

    default void queueDeleted(QueueEvent queue) {
    }

    default void exchangeDeclared(ExchangeEvent exchange) {
    }

    default void exchangeDeleted(ExchangeEvent exchange) {
    }

    default void bindingAdded(BindingEvent binding) {
    }

    default void bindingRemoved(BindingEvent binding) {
    }

    default void consumerAttached(ConsumerEvent consumer) {
    }

    default void consumerDetached(ConsumerEvent consumer) {
    }

    /**
     * A queue.
     *
     * @param type {@code classic} or {@code stream}
     */
    record QueueEvent(String vhost, String name, String type, boolean durable) {
    }

    /**
     * An exchange.
     *
     * @param type {@code direct}, {@code fanout}, {@code topic}, {@code headers} or a plugin-provided type
     */
    record ExchangeEvent(String vhost, String name, String type, boolean durable) {
    }

    /**
     * A binding.
     *
     * @param toQueue true when the destination is a queue, false for an exchange
     */
    record BindingEvent(String vhost, String source, String destination, boolean toQueue, String bindingKey,
            Map<String, Object> arguments) {
    }

    /**
     * A consumer: a receiving link on a queue.
     *
     * @param connectionId the consumer's {@link ConnectionInfo#id()}
     * @param link         the link name
     */
    record ConsumerEvent(String connectionId, String vhost, String queue, String link) {
    }
}
