package io.wharf.broker.config;

import java.util.List;
import java.util.Map;

/**
 * Queue defaults (yaml section {@code queues}).
 *
 * @param autoCreate {@code queues.auto-create}: a link to an unknown plain queue name or {@code /queues/:q}
 *                   creates the queue (default true); when false such a link is refused with amqp:not-found
 * @param policies   {@code queues.policies}: arguments for auto-created queues by name pattern (default none)
 * @param declared   {@code queues.declare}: queues and partitioned streams declared at start (default none)
 */
public record QueuesConfig(boolean autoCreate, List<QueuePolicy> policies, List<QueueDeclaration> declared) {

    /** Without queues declared at start. */
    public QueuesConfig(boolean autoCreate, List<QueuePolicy> policies) {
        this(autoCreate, policies, List.of());
    }

    /** The arguments of the first policy matching {@code queueName}; empty when none matches. */
    public Map<String, Object> argumentsFor(String queueName) {
        for (QueuePolicy policy : policies) {
            if (policy.matches(queueName)) {
                return policy.arguments();
            }
        }
        return Map.of();
    }
}
