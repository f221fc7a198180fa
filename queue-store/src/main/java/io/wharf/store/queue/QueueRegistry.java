package io.wharf.store.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues of a virtual host by name. Lookups are lock-free reads of a concurrent map; creation of one name
 * happens once even when two connections race to auto-create it.
 */
public final class QueueRegistry {

    private final ConcurrentHashMap<String, ClassicQueue> queues = new ConcurrentHashMap<>();
    private final QueueThreads threads;
    private final QueueStorage storage;

    /**
     * @param threads where the queues run
     * @param storage where durable queues keep their logs
     */
    public QueueRegistry(QueueThreads threads, QueueStorage storage) {
        this.threads = threads;
        this.storage = storage;
    }

    /** The queue, or null when there is none of that name. */
    public MessageQueue get(String name) {
        return queues.get(name);
    }

    /** The queue of that name, created (durable) when missing. */
    public MessageQueue getOrCreate(String name) {
        ClassicQueue existing = queues.get(name);
        if (existing != null) {
            return existing;
        }
        boolean[] created = {false};
        ClassicQueue queue = queues.computeIfAbsent(name, n -> {
            created[0] = true;
            return new ClassicQueue(n, true, () -> storage.open(n), threads.assign());
        });
        if (created[0]) {
            storage.created(name);
        }
        return queue;
    }

    /** Brings back a durable queue that existed before a restart; its log recovers on the queue's thread. */
    public MessageQueue recover(String name) {
        return queues.computeIfAbsent(name, n -> new ClassicQueue(n, true, () -> storage.open(n),
                threads.assign()));
    }

    /**
     * Creates a queue with a new unique name ({@code amq.gen-<uuid>}, as RabbitMQ names server-named queues), for
     * a dynamic link; whoever created it deletes it.
     */
    public MessageQueue createTemporary() {
        String name = "amq.gen-" + UUID.randomUUID();
        return queues.computeIfAbsent(name, n -> new ClassicQueue(n, false, MemoryQueueLog::new, threads.assign()));
    }

    /** Removes and closes a queue; its messages are gone. Returns false when there was no such queue. */
    public boolean delete(String name) {
        ClassicQueue queue = queues.remove(name);
        if (queue == null) {
            return false;
        }
        queue.close().thenRun(() -> {
            if (queue.durable()) {
                storage.deleted(name);
            }
        });
        return true;
    }

    public Collection<? extends MessageQueue> all() {
        return List.copyOf(queues.values());
    }

    /** Closes every queue; the future completes when all logs are closed. */
    public CompletableFuture<Void> closeAll() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ClassicQueue q : queues.values()) {
            closing.add(q.close());
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }
}
