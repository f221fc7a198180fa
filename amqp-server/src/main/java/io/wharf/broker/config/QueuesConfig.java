package io.wharf.broker.config;

/**
 * Queue defaults (yaml section {@code queues}).
 *
 * @param autoCreate {@code queues.auto-create}: a link to an unknown plain queue name or {@code /queues/:q}
 *                   creates the queue (default true); when false such a link is refused with amqp:not-found
 */
public record QueuesConfig(boolean autoCreate) {
}
