/**
 * Routing: exchanges (direct, fanout, topic, headers, and the default exchange) turn (exchange, routing key,
 * headers) into the set of queues that take a message; {@link io.wharf.exchange.Topology} holds a virtual host's
 * exchanges and bindings, changes them one at a time on the metadata thread (written to the metadata store before
 * they take effect) and routes without locks on any thread. Knows queues only through
 * {@code io.wharf.store.queue.MessageQueue} and {@code QueueRegistry}; knows nothing about AMQP framing or
 * connections.
 */
package io.wharf.exchange;
