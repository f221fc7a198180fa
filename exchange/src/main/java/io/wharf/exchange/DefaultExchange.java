package io.wharf.exchange;

import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueRegistry;

/**
 * The default exchange {@code ""}: every queue is bound to it under its own name, so the routing key is the
 * queue name. With auto-create on, routing to an unknown name creates the queue (how plain-name and
 * {@code /queues/:q} targets behave for Qpid JMS users coming from Artemis).
 */
public final class DefaultExchange {

    private final QueueRegistry queues;
    private final boolean autoCreate;

    public DefaultExchange(QueueRegistry queues, boolean autoCreate) {
        this.queues = queues;
        this.autoCreate = autoCreate;
    }

    /** The queue for {@code routingKey}, or null when none exists and auto-create is off. */
    public MessageQueue route(String routingKey) {
        if (routingKey == null || routingKey.isEmpty()) {
            return null;
        }
        return autoCreate ? queues.getOrCreate(routingKey) : queues.get(routingKey);
    }
}
