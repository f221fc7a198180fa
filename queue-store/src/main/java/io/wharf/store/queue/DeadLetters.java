package io.wharf.store.queue;

import java.nio.ByteBuffer;

/**
 * Where a queue sends messages it dead-letters (to its {@code x-dead-letter-exchange}). The broker implements it:
 * it adds the death annotations and routes the message. Called on the queue's thread; must not block.
 */
public interface DeadLetters {

    /** Why a message was dead-lettered, as written into {@code x-opt-deaths}. */
    enum Reason {
        REJECTED("rejected"), EXPIRED("expired"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * @param queue         the queue the message leaves
     * @param payload       the message bytes as stored (read-only)
     * @param reason        why
     * @param deliveryCount failed deliveries so far
     */
    void deadLetter(QueueDefinition queue, ByteBuffer payload, Reason reason, long deliveryCount);

    /** No dead-lettering: the message is dropped, as RabbitMQ does for a queue without a dead-letter exchange. */
    DeadLetters DROP = (queue, payload, reason, deliveryCount) -> { };
}
