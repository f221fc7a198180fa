package io.wharf.store.queue;

import java.nio.ByteBuffer;

/**
 * One message handed to a consumer.
 *
 * @param messageId     the id to settle with (the message's offset in its queue's log)
 * @param payload       the message bytes exactly as received (read-only; do not keep past the send)
 * @param deliveryCount failed delivery attempts before this one (AMQP header.delivery-count)
 * @param firstAcquirer true only when no consumer acquired the message before
 */
public record QueueDelivery(long messageId, ByteBuffer payload, int deliveryCount, boolean firstAcquirer) {
}
