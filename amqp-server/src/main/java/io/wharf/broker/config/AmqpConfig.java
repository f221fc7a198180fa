package io.wharf.broker.config;

/**
 * The AMQP listener and connection limits (yaml section {@code amqp}).
 *
 * @param host                 bind address ({@code amqp.host}, default 0.0.0.0)
 * @param port                 {@code amqp.port}, default 5672; 0 picks a free port
 * @param maxFrameSizeBytes    {@code amqp.max-frame-size-bytes}, default 1048576 (min 512)
 * @param channelMax           {@code amqp.channel-max}, default 2047 (0..65535)
 * @param idleTimeoutMs        {@code amqp.idle-timeout-ms}, default 60000; 0 disables
 * @param maxMessageSizeBytes  {@code amqp.max-message-size-bytes}, default 16777216 (16 MiB)
 * @param linkCreditWindow     {@code amqp.link-credit-window}: credit granted to each publishing link, default 1000
 * @param nodeName             {@code amqp.node-name}: reported as {@code node} in open.properties, default wharf@hostname
 */
public record AmqpConfig(
        String host,
        int port,
        int maxFrameSizeBytes,
        int channelMax,
        int idleTimeoutMs,
        long maxMessageSizeBytes,
        int linkCreditWindow,
        String nodeName) {
}
