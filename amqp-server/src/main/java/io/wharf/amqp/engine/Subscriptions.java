package io.wharf.amqp.engine;

import io.wharf.exchange.Topology;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The topic subscriptions of one virtual host ({@link TopicSubscription}): creates their queues and bindings as
 * consumers join and removes them as the last one leaves. How many consumers a shared or durable subscription has
 * is counted on the topology thread, in order with the topology changes, so a consumer joining while the last one
 * leaves never ends up on a deleted queue.
 */
final class Subscriptions {

    private final Topology topology;
    /** Queue name -> consumers attached. Topology thread only. */
    private final Map<String, Integer> members = new HashMap<>();
    /**
     * Subscriptions whose queue is about to be deleted (the delete is a later topology task), each with a future
     * completed once the delete is over: already gone for a lookup, so a second unsubscribe queued in between fails as
     * it should, and a consumer joining meanwhile waits for the delete rather than keep the old queue (and what was
     * published to it after the unsubscribe) alive. Topology thread only.
     */
    private final Map<String, CompletableFuture<Void>> deleting = new HashMap<>();

    private static final CompletableFuture<Void> DELETED = CompletableFuture.completedFuture(null);

    Subscriptions(Topology topology) {
        this.topology = topology;
    }

    /**
     * A consumer joins: the subscription's queue, created and bound when missing (a durable subscription whose
     * topic changed is rebound and emptied, as JMS wants). Completes on the topology thread with the subscription
     * (its queue name filled in) and the queue; fails with a {@code TopologyException} (nothing left behind).
     */
    CompletableFuture<Joined> join(TopicSubscription subscription) {
        if (subscription.kind() == TopicSubscription.Kind.TEMPORARY) {
            MessageQueue queue = topology.queues().createTemporary();
            TopicSubscription named = subscription.withQueue(queue.name());
            return topology.bind(named.binding(topology.vhost())).handle((added, error) -> {
                if (error != null) {
                    topology.queues().delete(queue.name());
                    throw asCompletion(error);
                }
                return new Joined(named, queue);
            });
        }
        String name = subscription.queueName();
        boolean durable = subscription.kind() == TopicSubscription.Kind.DURABLE;
        QueueDefinition definition = new QueueDefinition(topology.vhost(), name, "classic", durable, false, false,
                Map.of());
        return topology.submit(() -> deleting.getOrDefault(name, DELETED))
                .thenCompose(pendingDelete -> pendingDelete)
                .thenCompose(deleted -> topology.submit(() -> members.merge(name, 1, Integer::sum)))
                .thenCompose(count -> topology.declareQueue(definition))
                .thenCompose(declared -> topology.submit(() -> topology.bindingsToQueue(name))
                        .thenCompose(bindings -> bindTo(subscription, declared.queue(), bindings)))
                .handle((queue, error) -> {
                    if (error != null) {
                        leave(subscription, false);
                        throw asCompletion(error);
                    }
                    return new Joined(subscription, queue);
                });
    }

    /** A subscription's queue and the subscription with its queue name. */
    record Joined(TopicSubscription subscription, MessageQueue queue) {
    }

    private CompletableFuture<MessageQueue> bindTo(TopicSubscription subscription, MessageQueue queue,
            List<BindingDefinition> existing) {
        BindingDefinition wanted = subscription.binding(topology.vhost());
        if (existing.contains(wanted)) {
            return CompletableFuture.completedFuture(queue);
        }
        // A new subscription, or one whose topic changed: the old bindings go, and so do the old topic's messages.
        List<CompletableFuture<?>> unbinding = new ArrayList<>();
        for (BindingDefinition old : existing) {
            unbinding.add(topology.unbind(old));
        }
        CompletableFuture<?> cleared = CompletableFuture.allOf(unbinding.toArray(CompletableFuture[]::new));
        if (!existing.isEmpty()) {
            cleared = cleared.thenCompose(done -> queue.purge());
        }
        return cleared.thenCompose(done -> topology.bind(wanted)).thenApply(added -> queue);
    }

    /**
     * The durable subscription a lookup names (Qpid JMS unsubscribing), joined like a consumer so that closing the
     * link deletes it; completes with null when there is no such subscription.
     */
    CompletableFuture<Joined> joinExisting(TopicSubscription lookup) {
        String name = lookup.queueName();
        return topology.submit(() -> {
            MessageQueue queue = topology.queues().get(name);
            if (queue == null || deleting.containsKey(name)) {
                return null;
            }
            members.merge(name, 1, Integer::sum);
            List<BindingDefinition> bindings = topology.bindingsToQueue(name);
            BindingDefinition topic = bindings.isEmpty() ? null : bindings.get(0);
            return new Joined(topic == null ? lookup : lookup.withTopic(topic.source(), topic.routingKey()), queue);
        });
    }

    /**
     * A consumer left. {@code closed}: the link was closed rather than detached, which for a durable subscription
     * means unsubscribe once no consumer is left. Completes once what leaving does is done (for an unsubscribe: the
     * queue deleted), so that the detach reply, sent after it, tells the client the subscription is gone.
     */
    CompletableFuture<Void> leave(TopicSubscription subscription, boolean closed) {
        String name = subscription.queueName();
        if (name == null) {
            return DELETED;
        }
        if (subscription.kind() == TopicSubscription.Kind.TEMPORARY) {
            return topology.deleteQueue(name).handle((removed, error) -> null);
        }
        boolean deleteWhenUnused = closed || subscription.kind() == TopicSubscription.Kind.SHARED_VOLATILE;
        return topology.submit(() -> {
            Integer left = members.computeIfPresent(name, (n, count) -> count <= 1 ? null : count - 1);
            if (deleteWhenUnused && left == null) {
                deleting.putIfAbsent(name, new CompletableFuture<>());
            }
            return left;
        }).thenCompose(left -> {
            if (!deleteWhenUnused || left != null) {
                return DELETED;
            }
            return topology.deleteQueue(name, queue -> !members.containsKey(name))
                    .handle((removed, error) -> null)
                    .thenCompose(deleted -> topology.submit(() -> {
                        CompletableFuture<Void> done = deleting.remove(name);
                        if (done != null) {
                            done.complete(null);
                        }
                        return (Void) null;
                    }));
        });
    }

    private static RuntimeException asCompletion(Throwable error) {
        return error instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(error);
    }
}
