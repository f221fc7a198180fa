package io.wharf.amqp.engine;

import io.wharf.exchange.RoutedQueues;
import io.wharf.store.queue.MessageHeader;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Stores one message in every queue it was routed to. The producer's outcome waits for all of them: a message is
 * {@code accepted} only when every target queue has confirmed (for a durable message on a durable queue: forced to
 * disk), and fails when any of them failed. Queues that stored it keep it (there is no cross-queue rollback, as in
 * RabbitMQ).
 */
final class Publication {

    private Publication() {
    }

    /** Each queue gets its own view of the same bytes (the bytes are never changed). */
    static CompletableFuture<Void> storeAll(RoutedQueues queues, MessageHeader header, ByteBuffer payload) {
        if (queues.size() == 1) {
            return queues.get(0).enqueue(header, payload);
        }
        CompletableFuture<?>[] stores = new CompletableFuture<?>[queues.size()];
        for (int i = 0; i < stores.length; i++) {
            stores[i] = queues.get(i).enqueue(header, payload.duplicate());
        }
        return CompletableFuture.allOf(stores);
    }
}
