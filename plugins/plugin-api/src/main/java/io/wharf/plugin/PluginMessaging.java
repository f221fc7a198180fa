package io.wharf.plugin;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a plugin may do with messages and exchanges itself: declare an exchange, publish a copy of a message. Every
 * method returns at once and never blocks (the work runs on broker threads), so it may be called from an interceptor.
 * Messages published here do not pass through interceptors.
 */
public interface PluginMessaging {

    /**
     * Declares an exchange (created unless an equivalent one exists). Plugins may declare names starting with
     * {@code amq.wharf.}, which clients may not.
     *
     * @return completes when declared; fails with the broker's error (unknown vhost, exists with another type...)
     */
    CompletableFuture<Void> declareExchange(String vhost, String exchange, String type, boolean durable);

    /**
     * Publishes a copy of {@code message} to an exchange: the same bytes, with {@code annotations} merged over its
     * message annotations (a key given here replaces the message's). Keys should start with {@code x-}. Values: strings,
     * numbers, booleans, {@code java.util.Date}, lists and maps of those.
     *
     * @return completes with the number of queues that stored the copy (0: unroutable, or the exchange or vhost does
     *         not exist); never fails because of routing
     */
    CompletableFuture<Integer> publishCopy(String vhost, String exchange, String routingKey,
            InterceptedMessage message, Map<String, Object> annotations);
}
