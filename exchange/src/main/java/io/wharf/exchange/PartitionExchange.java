package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The exchange of a partitioned stream ({@code x-partition}): argument {@value #PARTITIONS} says how many partitions
 * there are; a binding's key is the number of the partition it leads to ({@code "0"} .. {@code "N-1"}). A message
 * goes to the bindings of the one partition its routing key hashes to ({@link PartitionHash}), so one key always
 * reaches the same partition and keeps its order there. Bindings with other keys never match.
 */
public final class PartitionExchange extends Exchange {

    /** The exchange (and queue declaration) argument holding the partition count. */
    public static final String PARTITIONS = "x-partitions";
    /** Most partitions one stream may have. */
    public static final int MAX_PARTITIONS = 1024;
    private static final Binding[] NONE = new Binding[0];

    private final int partitions;
    /** Bindings by partition; each array is replaced, never changed in place. */
    private final AtomicReferenceArray<Binding[]> byPartition;

    PartitionExchange(ExchangeDefinition definition) {
        super(definition, ExchangeType.PARTITION);
        this.partitions = partitionCount(definition.arguments().get(PARTITIONS));
        this.byPartition = new AtomicReferenceArray<>(partitions);
        for (int p = 0; p < partitions; p++) {
            byPartition.set(p, NONE);
        }
    }

    /**
     * The partition count an {@value #PARTITIONS} argument holds.
     *
     * @throws TopologyException bad request naming the argument when it is missing or out of range
     */
    public static int partitionCount(Object value) {
        if (!(value instanceof Number n) || value instanceof Double || value instanceof Float
                || n.longValue() < 1 || n.longValue() > MAX_PARTITIONS) {
            throw TopologyException.badRequest("argument " + PARTITIONS + " must be an integer from 1 to "
                    + MAX_PARTITIONS + ", not " + value);
        }
        return n.intValue();
    }

    /** How many partitions the stream has. */
    public int partitions() {
        return partitions;
    }

    /** The partition a binding key names; -1 when it names none. */
    int partitionOf(String bindingKey) {
        try {
            int p = Integer.parseInt(bindingKey);
            return p >= 0 && p < partitions ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The bindings of partition {@code p} (a snapshot). */
    public Binding[] bindingsOf(int p) {
        return byPartition.get(p).clone();
    }

    @Override
    void index(Binding binding) {
        int p = partitionOf(binding.routingKey());
        if (p < 0) {
            return;
        }
        Binding[] current = byPartition.get(p);
        Binding[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = binding;
        byPartition.set(p, more);
    }

    @Override
    void unindex(Binding binding) {
        int p = partitionOf(binding.routingKey());
        if (p >= 0) {
            byPartition.set(p, Arrays.stream(byPartition.get(p)).filter(b -> !b.equals(binding))
                    .toArray(Binding[]::new));
        }
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        for (Binding b : byPartition.get(PartitionHash.partition(routingKey, partitions))) {
            sink.accept(b);
        }
    }
}
