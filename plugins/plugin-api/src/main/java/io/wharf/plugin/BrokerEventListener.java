package io.wharf.plugin;

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
}
