package io.wharf.store.queue;

/**
 * The few fields the store acts on without parsing the payload.
 *
 * @param expiryTimeMs   epoch ms after which the message is dead, 0 = never
 * @param deliveryTimeMs epoch ms before which the message must not be delivered, 0 = now
 * @param priority       0..255 (AMQP default 4)
 * @param tagHash        hash of the filter tag, 0 = none
 * @param durable        header.durable: must be forced to disk before it is accepted
 */
public record MessageHeader(long expiryTimeMs, long deliveryTimeMs, int priority, int tagHash, boolean durable) {

    public static final int DEFAULT_PRIORITY = 4;

    public static MessageHeader of(boolean durable) {
        return new MessageHeader(0, 0, DEFAULT_PRIORITY, 0, durable);
    }
}
