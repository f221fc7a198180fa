package io.wharf.broker.config;

/**
 * When producers are slowed down (yaml section {@code limits}). While any limit is hit, publishing links get no new
 * credit, so clients stop sending until the broker catches up; nothing already sent is lost.
 *
 * @param memoryHighWatermarkPercent {@code limits.memory-high-watermark-percent}: heap in use after the last
 *                                   garbage collection, as a percentage of the maximum heap, above which credit is
 *                                   withheld (default 80)
 * @param maxInflightBytes           {@code limits.max-inflight-bytes}: bytes received from producers but not yet
 *                                   stored, broker-wide, above which credit is withheld (default 0 = a quarter of
 *                                   the maximum heap)
 */
public record LimitsConfig(int memoryHighWatermarkPercent, long maxInflightBytes) {
}
