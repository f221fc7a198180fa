/**
 * Queues: the consumer, credit and outcome logic of a classic queue ({@link io.wharf.store.queue.ClassicQueue}),
 * over a {@link io.wharf.store.queue.QueueLog} that keeps the message bytes (in memory, or in the write-ahead log).
 * The {@link io.wharf.store.queue.QueueRegistry} also creates stream queues ({@code io.wharf.store.stream}) from
 * definitions of type {@code stream}.
 * Each queue is confined to one thread of {@link io.wharf.store.queue.QueueThreads}; callers post to it and are
 * called back on that thread. Nothing here knows AMQP framing: payloads are opaque bytes plus a
 * {@link io.wharf.store.queue.MessageHeader}.
 */
package io.wharf.store.queue;
