package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A queue as the front end sees it. Every method only posts work to the queue's own thread and returns at
 * once; no caller ever blocks on a queue.
 */
public interface MessageQueue {

    String name();

    /** How the queue was declared: type, flags, arguments. */
    QueueDefinition definition();

    /**
     * Stores a message. The future completes (on a store or queue thread) once the message is stored, and for a
     * durable message on a durable queue only once it has been forced to disk. It fails when the store refuses it.
     */
    CompletableFuture<Void> enqueue(MessageHeader header, ByteBuffer payload);

    /**
     * Stores a message of an AMQP transaction without making it visible: forced, invisible to consumers, and
     * discarded after a restart unless its transaction committed. Completes with the record's offset, to be handed
     * to {@link #commitPrepared} or {@link #abortPrepared}. Queues without transactional storage refuse it.
     */
    default CompletableFuture<Long> prepare(MessageHeader header, ByteBuffer payload) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("queue '" + name()
                + "' does not take transactional messages"));
    }

    /**
     * The transaction of these prepared messages committed: they join the queue, in this order. Completes once
     * they are visible.
     */
    default CompletableFuture<Void> commitPrepared(long[] offsets) {
        return CompletableFuture.completedFuture(null);
    }

    /** The transaction of these prepared messages rolled back: they are dropped. */
    default void abortPrepared(long[] offsets) {
    }

    /** Completes once everything this queue stored or settled so far (commits and acks included) is durable. */
    default CompletableFuture<Void> sync() {
        return CompletableFuture.completedFuture(null);
    }

    /** Attaches a consumer with default options. */
    default void addConsumer(QueueConsumer consumer) {
        addConsumer(consumer, ConsumerOptions.DEFAULT);
    }

    void addConsumer(QueueConsumer consumer, ConsumerOptions options);

    /** Detaches a consumer; messages it held unsettled go back to the queue (released: delivery count unchanged). */
    void removeConsumer(QueueConsumer consumer);

    /** Grants {@code credit} more messages to {@code consumer}. */
    void addCredit(QueueConsumer consumer, int credit);

    /** Delivers what it can within the consumer's credit, then answers {@link QueueConsumer#drained}. */
    void drain(QueueConsumer consumer);

    /** Settles a delivery made to {@code consumer}; unknown ids (already returned, already settled) are ignored. */
    default void settle(QueueConsumer consumer, long messageId, Outcome outcome) {
        settle(consumer, messageId, outcome, java.util.Map.of());
    }

    /**
     * Settles with the message annotations of a {@code modified} outcome: {@code x-} keys are merged into the
     * message for its next delivery; {@code x-opt-delivery-time} (epoch ms) delays that delivery.
     */
    void settle(QueueConsumer consumer, long messageId, Outcome outcome, java.util.Map<String, Object> annotations);

    /**
     * True while the queue refuses publishes (at its length limit with reject-publish overflow). Producers' credit
     * is withheld meanwhile. Safe from any thread.
     */
    default boolean full() {
        return false;
    }

    /** Removes every message waiting for delivery (not those held unsettled by consumers); completes with the count. */
    CompletableFuture<Long> purge();

    /** Messages in the queue, delivered-but-unsettled included. Safe from any thread (may lag). */
    long messageCount();

    /** Safe from any thread (may lag). */
    int consumerCount();

    /** Stops the queue: consumers get nothing more; the log is closed. */
    CompletableFuture<Void> close();
}
