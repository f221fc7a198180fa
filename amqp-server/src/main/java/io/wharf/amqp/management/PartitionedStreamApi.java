package io.wharf.amqp.management;

import io.wharf.exchange.PartitionExchange;
import io.wharf.exchange.PartitionedStreams;
import io.wharf.exchange.PartitionedStreams.PartitionedStream;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * {@code /queues/:q} when {@code :q} is a partitioned stream ({@link PartitionedStreams}): declared by
 * {@code PUT /queues/:q} with argument {@value PartitionExchange#PARTITIONS}, read with {@code GET} (the queue map
 * with {@code type} stream, the partition count among the arguments, counts summed over the partitions, and
 * Wharf's own {@code partitions}: the partition queues' names) and deleted with {@code DELETE} (the partitions and
 * the exchange).
 */
final class PartitionedStreamApi {

    private final Topology topology;
    private final String nodeName;

    PartitionedStreamApi(Topology topology, String nodeName) {
        this.topology = topology;
        this.nodeName = nodeName;
    }

    CompletableFuture<ManagementResponse> declare(QueueDefinition definition) {
        return PartitionedStreams.declare(topology, definition).thenApply(declared ->
                new ManagementResponse(declared.created() ? 201 : 200, info(declared.stream())));
    }

    /** The stream's map; null when {@code name} is not a partitioned stream. Topology thread. */
    ManagementResponse get(String name) {
        PartitionedStream stream = PartitionedStreams.find(topology, name);
        return stream == null ? null : new ManagementResponse(200, info(stream));
    }

    /** Completes with null when {@code name} is not a partitioned stream. */
    CompletableFuture<ManagementResponse> delete(String name) {
        return PartitionedStreams.delete(topology, name).thenApply(count -> {
            if (count == null) {
                return null;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message_count", UnsignedLong.valueOf(count));
            return new ManagementResponse(200, body);
        });
    }

    private Map<String, Object> info(PartitionedStream stream) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        long messages = 0;
        int consumers = 0;
        List<String> names = new ArrayList<>();
        for (int p = 0; p < stream.partitionCount(); p++) {
            MessageQueue partition = stream.partitions().get(p);
            if (partition == null) {
                continue;
            }
            if (arguments.isEmpty()) {
                arguments.putAll(partition.definition().arguments());
            }
            names.add(partition.name());
            messages += Math.max(0, partition.messageCount());
            consumers += Math.max(0, partition.consumerCount());
        }
        arguments.put("x-queue-type", "stream");
        arguments.put(PartitionExchange.PARTITIONS, (long) stream.partitionCount());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", stream.name());
        info.put("vhost", topology.vhost());
        info.put("durable", true);
        info.put("auto_delete", false);
        info.put("exclusive", false);
        info.put("type", "stream");
        info.put("arguments", arguments);
        info.put("message_count", UnsignedLong.valueOf(messages));
        info.put("consumer_count", UnsignedInteger.valueOf(consumers));
        info.put("leader", nodeName);
        info.put("replicas", new String[] {nodeName});
        info.put("partitions", names);
        return info;
    }
}
