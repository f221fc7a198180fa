package io.wharf.plugin;

/**
 * A message the broker took from a producer.
 *
 * @param connectionId the publishing connection's {@link ConnectionInfo#id()}
 * @param address      the address the message was sent to (link target or {@code properties.to})
 * @param queue        the queue it was stored in
 * @param sizeBytes    the encoded message size
 * @param settled      true when the producer sent it presettled (at-most-once)
 */
public record PublishedMessage(String connectionId, String address, String queue, int sizeBytes, boolean settled) {
}
