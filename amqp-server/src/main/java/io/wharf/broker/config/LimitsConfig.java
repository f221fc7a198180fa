package io.wharf.broker.config;

/**
 * Limits (yaml section {@code limits}): when producers are slowed down, and how much one client may hold.
 *
 * <p>Flow control: while any of the first two limits is hit, publishing links get no new credit, so clients stop
 * sending until the broker catches up; nothing already sent is lost.
 *
 * @param memoryHighWatermarkPercent {@code limits.memory-high-watermark-percent}: heap in use after the last
 *                                   garbage collection, as a percentage of the maximum heap, above which credit is
 *                                   withheld (default 80)
 * @param maxInflightBytes           {@code limits.max-inflight-bytes}: bytes received from producers but not yet
 *                                   stored, broker-wide, above which credit is withheld (default 0 = a quarter of
 *                                   the maximum heap)
 * @param maxConnections             {@code limits.max-connections}: open AMQP connections, broker-wide (default
 *                                   10000; 0 = no limit). One more is refused at open with
 *                                   {@code amqp:resource-limit-exceeded}
 * @param maxConnectionsPerUser      {@code limits.max-connections-per-user} (default 0 = no limit)
 * @param maxConnectionsPerVhost     {@code limits.max-connections-per-vhost} (default 0 = no limit)
 * @param maxQueuesPerVhost          {@code limits.max-queues-per-vhost}: queues of one vhost, temporary ones
 *                                   included (default 100000; 0 = no limit)
 * @param handshakeTimeoutMs         {@code limits.handshake-timeout-ms}: a connection that has not finished SASL
 *                                   and its open this long after it was accepted is closed (default 10000)
 */
public record LimitsConfig(int memoryHighWatermarkPercent, long maxInflightBytes, int maxConnections,
        int maxConnectionsPerUser, int maxConnectionsPerVhost, int maxQueuesPerVhost, int handshakeTimeoutMs) {
}
