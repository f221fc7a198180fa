package io.wharf.exchange;

import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Partitioned streams (Kafka-style topics; RabbitMQ calls them super streams). Declaring stream {@code s} with
 * queue argument {@value PartitionExchange#PARTITIONS} = N makes N ordinary stream queues {@code s-0} ..
 * {@code s-(N-1)} (with the declaration's other arguments: retention, segment size), a durable exchange {@code s}
 * of type {@code x-partition}, and one binding from it to each partition keyed by the partition's number. Nothing
 * else is stored: the exchange, queues and bindings live in the metadata store like any other, so the partitioned
 * stream comes back after a restart with them, and the exchange is what marks {@code s} as partitioned.
 *
 * <p>Changes go through {@link Topology} (its thread, its store); {@link #find} is a lock-free lookup for any thread.
 */
public final class PartitionedStreams {

    private PartitionedStreams() {
    }

    /**
     * A partitioned stream as it stands.
     *
     * @param partitions the partitions' queues by partition number; an entry is null when that partition's queue or
     *                   binding was deleted by hand
     */
    public record PartitionedStream(String name, PartitionExchange exchange, List<MessageQueue> partitions) {

        public int partitionCount() {
            return partitions.size();
        }
    }

    /** What {@link #declare} did: whether it created the stream, and the stream. */
    public record Declared(PartitionedStream stream, boolean created) {
    }

    /** The queue name of partition {@code p} of {@code stream}. */
    public static String partitionName(String stream, int p) {
        return stream + "-" + p;
    }

    /** Whether queue arguments ask for a partitioned stream. */
    public static boolean requested(Map<String, ?> arguments) {
        return arguments != null && arguments.containsKey(PartitionExchange.PARTITIONS);
    }

    /**
     * The partitioned stream of that name, or null: there is an {@code x-partition} exchange of that name and no
     * queue of that name. Any thread; no locks.
     */
    public static PartitionedStream find(Topology topology, String name) {
        if (!(topology.exchange(name) instanceof PartitionExchange exchange) || topology.queues().get(name) != null) {
            return null;
        }
        MessageQueue[] partitions = new MessageQueue[exchange.partitions()];
        for (int p = 0; p < partitions.length; p++) {
            for (Binding b : exchange.bindingsOf(p)) {
                if (b.queue() != null) {
                    partitions[p] = b.queue();
                    break;
                }
            }
        }
        return new PartitionedStream(name, exchange, Collections.unmodifiableList(Arrays.asList(partitions)));
    }

    /**
     * Declares a partitioned stream from a queue declaration carrying {@value PartitionExchange#PARTITIONS}: its
     * exchange, its partition streams and their bindings, each idempotent, so declaring it again with the same
     * arguments changes nothing. Fails with 400 (bad partition count, a type other than stream, exclusive or
     * auto-delete), 409 (a queue of that name exists, or the stream exists with another partition count or other
     * partition arguments) or 403 ({@code amq.} names).
     */
    public static CompletableFuture<Declared> declare(Topology topology, QueueDefinition definition) {
        String name = definition.name();
        Map<String, Object> partitionArguments;
        int count;
        try {
            if (name == null || name.isEmpty()) {
                throw TopologyException.badRequest("declare queue with empty name not allowed");
            }
            count = PartitionExchange.partitionCount(definition.arguments().get(PartitionExchange.PARTITIONS));
            Object type = definition.arguments().get(QueueArgumentRules.QUEUE_TYPE);
            if (type != null && !"stream".equals(type)) {
                throw TopologyException.badRequest("a queue with " + PartitionExchange.PARTITIONS
                        + " is a partitioned stream: x-queue-type must be stream (or absent), not " + type);
            }
            if (!definition.durable() || definition.exclusive() || definition.autoDelete()) {
                throw TopologyException.badRequest("a partitioned stream is durable, not exclusive and not "
                        + "auto-delete");
            }
            partitionArguments = new LinkedHashMap<>(definition.arguments());
            partitionArguments.remove(PartitionExchange.PARTITIONS);
            partitionArguments.put(QueueArgumentRules.QUEUE_TYPE, "stream");
        } catch (TopologyException e) {
            return CompletableFuture.failedFuture(e);
        }
        String vhost = topology.vhost();
        CompletableFuture<Void> checked = topology.submit(() -> {
            if (topology.queues().get(name) != null) {
                throw TopologyException.conflict("queue '" + name + "' exists as a queue: it cannot also be a "
                        + "partitioned stream");
            }
            return null;
        });
        // The exchange first: when it exists with another partition count, nothing else is touched. The queues and
        // bindings are then submitted together and run one after another on the topology thread, in this order.
        return checked.thenCompose(v -> topology.declareExchange(new ExchangeDefinition(vhost, name,
                ExchangeType.PARTITION.label(), true, false, false,
                Map.of(PartitionExchange.PARTITIONS, (long) count)))).thenCompose(created -> {
                    List<CompletableFuture<?>> steps = new ArrayList<>();
                    for (int p = 0; p < count; p++) {
                        String partition = partitionName(name, p);
                        steps.add(topology.declareQueue(new QueueDefinition(vhost, partition, "stream", true, false,
                                false, partitionArguments)));
                        steps.add(topology.bind(new BindingDefinition(vhost, name, DestinationKind.QUEUE, partition,
                                Integer.toString(p), Map.of())));
                    }
                    return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
                            .thenApply(done -> new Declared(find(topology, name), created));
                });
    }

    /**
     * Deletes a partitioned stream: its partition queues (with their messages and stored offsets), then its
     * exchange. Completes with the number of messages the partitions held, or null when there is no partitioned
     * stream of that name.
     */
    public static CompletableFuture<Long> delete(Topology topology, String name) {
        PartitionedStream stream = find(topology, name);
        if (stream == null) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Long>> deletions = new ArrayList<>();
        for (int p = 0; p < stream.partitionCount(); p++) {
            MessageQueue partition = stream.partitions().get(p);
            deletions.add(topology.deleteQueue(partition != null ? partition.name() : partitionName(name, p)));
        }
        CompletableFuture<Boolean> exchange = topology.deleteExchange(name);
        return exchange.thenApply(deleted -> deletions.stream().mapToLong(CompletableFuture::join).sum());
    }
}
