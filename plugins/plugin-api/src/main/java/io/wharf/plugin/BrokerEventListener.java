package io.wharf.plugin;

/**
 * Broker events. Every method has an empty default so a listener overrides only what it needs.
 * Calls arrive in order on one broker-owned thread; a listener that blocks delays only other listeners.
 */
public interface BrokerEventListener {

    default void connectionOpened(ConnectionInfo connection) {
    }

    default void connectionClosed(ConnectionInfo connection) {
    }

    default void messagePublished(PublishedMessage message) {
    }
}
