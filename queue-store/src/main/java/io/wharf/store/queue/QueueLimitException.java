package io.wharf.store.queue;

/**
 * A queue was not created because its virtual host already has as many queues as it may
 * ({@code limits.max-queues-per-vhost}). Clients see {@code amqp:resource-limit-exceeded} (403 on management).
 */
public final class QueueLimitException extends RuntimeException {

    public QueueLimitException(String message) {
        super(message, null, false, false);
    }
}
