package io.wharf.plugin;

import java.util.List;

/**
 * Sees every message at four points: published (may refuse it), routed (the queues it goes to), delivered to a
 * consumer, and settled by that consumer. Register with {@link PluginContext#addInterceptor}. Every method has a
 * default that does nothing, so an interceptor overrides only what it needs.
 *
 * <h2>Threading: inline, must not block</h2>
 * Interceptors are called inline on the network thread that handles the message (the producer's connection for
 * publish and route, the consumer's for deliver and settle), in registration order, so they see a link's messages
 * in order and add no hop or allocation beyond the event object. The price is a contract: <b>an interceptor must not
 * block</b> (no I/O, no waiting on locks, futures or other threads) and should return within microseconds. Hand slow
 * work (writing files, network calls) to a thread of your own, e.g. through a bounded queue.
 *
 * <p>The broker enforces what it can. A call that throws counts as a failure: it is logged (at most once a second
 * per plugin) and the message goes on as if the interceptor had passed. A call that takes longer than
 * {@value #SLOW_CALL_MS} ms counts as a failure too (the broker cannot stop a running call, but it can stop calling).
 * After {@value #FAILURE_LIMIT} failures the broker disables the plugin: its interceptors, authentication and
 * authorization providers and event listeners are removed, and the plugin is reported as failed in the log and in
 * the plugin status.
 *
 * <p>While no interceptor is registered the broker builds no event and calls nothing: one volatile read per message.
 */
public interface MessageInterceptor {

    /** A call slower than this counts as a failure. */
    long SLOW_CALL_MS = 100;

    /** Failures after which the plugin owning the interceptor is disabled. */
    int FAILURE_LIMIT = 100;

    /**
     * A producer's message arrived, before routing. Return {@link Verdict#PASS} or {@link Verdict#reject}; the
     * first interceptor that rejects decides, later ones are not called.
     */
    default Verdict onPublish(Publish publish) {
        return Verdict.PASS;
    }

    /** A message was routed: {@code queues} is where it is about to be stored (empty: unroutable). */
    default void onRoute(Route route) {
    }

    /** A message is being sent to a consumer. */
    default void onDeliver(Deliver deliver) {
    }

    /** A consumer settled a delivery (presettled deliveries count as accepted when sent). */
    default void onSettle(Settle settle) {
    }

    /**
     * @param connection the producer's connection
     * @param address    the address it published to (the link's target, or {@code properties.to} on the anonymous
     *                   relay)
     * @param settled    true for a presettled (at-most-once) transfer
     */
    record Publish(ConnectionInfo connection, String address, InterceptedMessage message, boolean settled) {
    }

    /**
     * @param exchange   the exchange the message was published to; {@code ""} for the default exchange (a queue
     *                   address)
     * @param routingKey the routing key (the queue name through the default exchange)
     * @param queues     the queues it goes to, each once, in routing order; empty when unroutable
     */
    record Route(ConnectionInfo connection, String exchange, String routingKey, List<String> queues,
            InterceptedMessage message) {
    }

    /**
     * @param queue         the queue the message leaves
     * @param link          the consumer's link name
     * @param deliveryId    the message's id within its queue (matches {@link Settle#deliveryId()})
     * @param deliveryCount failed deliveries before this one
     * @param settled       true when the consumer takes it presettled (at-most-once)
     */
    record Deliver(ConnectionInfo connection, String queue, String link, long deliveryId, long deliveryCount,
            InterceptedMessage message, boolean settled) {
    }

    /**
     * @param queue      the queue the message came from
     * @param link       the consumer's link name
     * @param deliveryId the message's id within its queue, as in {@link Deliver#deliveryId()}
     */
    record Settle(ConnectionInfo connection, String queue, String link, long deliveryId, Outcome outcome) {
    }

    /** A consumer's outcome, as AMQP names them. */
    enum Outcome {
        ACCEPTED, RELEASED, REJECTED,
        /** modified with delivery-failed: back to the queue, delivery-count + 1. */
        MODIFIED_FAILED,
        /** modified with undeliverable-here: dead-lettered. */
        MODIFIED_UNDELIVERABLE
    }
}
