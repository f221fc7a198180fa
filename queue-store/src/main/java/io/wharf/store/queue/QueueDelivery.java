package io.wharf.store.queue;

import java.nio.ByteBuffer;

/**
 * One message handed to a consumer.
 *
 * @param messageId     the id to settle with (the message's offset in its queue's log)
 * @param payload       the message bytes exactly as received (read-only; do not keep past the send)
 * @param deliveryCount failed delivery attempts before this one (AMQP header.delivery-count)
 * @param firstAcquirer true only when no consumer acquired the message before
 * @param annotations   message annotations to merge into the message when it is sent (from a {@code modified}
 *                      outcome); empty for most deliveries
 */
public record QueueDelivery(long messageId, ByteBuffer payload, int deliveryCount, boolean firstAcquirer,
        java.util.Map<String, Object> annotations) {
}
