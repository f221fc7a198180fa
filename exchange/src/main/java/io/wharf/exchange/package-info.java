/**
 * Routing: exchanges turn (exchange, routing key, message) into the set of queues that take it. Knows queues only
 * through {@code io.wharf.store.queue.MessageQueue}; knows nothing about AMQP framing or connections.
 */
package io.wharf.exchange;
