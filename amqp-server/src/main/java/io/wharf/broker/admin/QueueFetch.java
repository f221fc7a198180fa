package io.wharf.broker.admin;

import io.wharf.amqp.stats.MessageCounters;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDelivery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A management "get": a consumer that asks a queue for up to {@code count} messages, drains, settles what it got
 * (accepted, or released to requeue) and leaves. The queue calls it on its own thread; nothing here blocks.
 */
final class QueueFetch implements QueueConsumer {

    private record Taken(long id, byte[] bytes, boolean redelivered) {
    }

    private final MessageQueue queue;
    private final boolean requeue;
    private final MessageCounters counters;
    private final List<Taken> taken = new ArrayList<>();
    private final CompletableFuture<List<BrokerAdmin.FetchedMessage>> result = new CompletableFuture<>();

    private QueueFetch(MessageQueue queue, boolean requeue, MessageCounters counters) {
        this.queue = queue;
        this.requeue = requeue;
        this.counters = counters;
    }

    static CompletableFuture<List<BrokerAdmin.FetchedMessage>> run(MessageQueue queue, int count, boolean requeue,
            MessageCounters counters) {
        QueueFetch fetch = new QueueFetch(queue, requeue, counters);
        queue.addConsumer(fetch, ConsumerOptions.DEFAULT);
        queue.addCredit(fetch, count);
        queue.drain(fetch);
        return fetch.result;
    }

    @Override
    public void deliver(QueueDelivery delivery) {
        byte[] bytes = new byte[delivery.payload().remaining()];
        delivery.payload().duplicate().get(bytes);
        boolean redelivered = !delivery.firstAcquirer() || delivery.deliveryCount() > 0;
        counters.delivered(redelivered);
        taken.add(new Taken(delivery.messageId(), bytes, redelivered));
    }

    @Override
    public void drained(int unusedCredit) {
        List<BrokerAdmin.FetchedMessage> messages = new ArrayList<>();
        try {
            for (int i = 0; i < taken.size(); i++) {
                Taken t = taken.get(i);
                long remaining = Math.max(0, queue.messageCount() - (requeue ? 0 : taken.size()));
                messages.add(AdminMessages.decode(t.bytes(), t.redelivered(), remaining));
            }
        } catch (RuntimeException e) {
            // Not an AMQP message we can read: leave it in the queue.
            taken.forEach(t -> queue.settle(this, t.id(), Outcome.RELEASED));
            queue.removeConsumer(this);
            result.completeExceptionally(e);
            return;
        }
        for (Taken t : taken) {
            if (!requeue) {
                counters.acked();
            }
            queue.settle(this, t.id(), requeue ? Outcome.RELEASED : Outcome.ACCEPTED);
        }
        queue.removeConsumer(this);
        result.complete(messages);
    }
}
