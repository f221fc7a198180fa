package io.wharf.store.meta;

import io.wharf.store.queue.QueueDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to the stored topology that belong together: {@link MetadataStore#apply} writes them in one transaction,
 * so a reader after a crash sees all of them or none (a deleted exchange never leaves its bindings behind).
 * Built on one thread, then handed over; not thread-safe.
 */
public final class MetadataChange {

    /** One row written or removed. */
    sealed interface Op {
    }

    record PutQueue(QueueDefinition queue) implements Op {
    }

    record DeleteQueue(String vhost, String name) implements Op {
    }

    record PutExchange(ExchangeDefinition exchange) implements Op {
    }

    record DeleteExchange(String vhost, String name) implements Op {
    }

    record PutBinding(BindingDefinition binding) implements Op {
    }

    record DeleteBinding(BindingDefinition binding) implements Op {
    }

    record PutVhost(String name) implements Op {
    }

    record DeleteVhost(String name) implements Op {
    }

    private final List<Op> ops = new ArrayList<>();

    public MetadataChange putQueue(QueueDefinition queue) {
        ops.add(new PutQueue(queue));
        return this;
    }

    public MetadataChange deleteQueue(String vhost, String name) {
        ops.add(new DeleteQueue(vhost, name));
        return this;
    }

    public MetadataChange putExchange(ExchangeDefinition exchange) {
        ops.add(new PutExchange(exchange));
        return this;
    }

    public MetadataChange deleteExchange(String vhost, String name) {
        ops.add(new DeleteExchange(vhost, name));
        return this;
    }

    public MetadataChange putBinding(BindingDefinition binding) {
        ops.add(new PutBinding(binding));
        return this;
    }

    public MetadataChange deleteBinding(BindingDefinition binding) {
        ops.add(new DeleteBinding(binding));
        return this;
    }

    public MetadataChange putVhost(String name) {
        ops.add(new PutVhost(name));
        return this;
    }

    public MetadataChange deleteVhost(String name) {
        ops.add(new DeleteVhost(name));
        return this;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    List<Op> ops() {
        return ops;
    }

    @Override
    public String toString() {
        return ops.toString();
    }
}
