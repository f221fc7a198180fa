package io.wharf.store.queue;

import io.wharf.store.stream.StreamArguments;
import io.wharf.store.stream.StreamOffsetStore;
import io.wharf.store.stream.StreamQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues of a virtual host by name. Lookups are lock-free reads of a concurrent map; creation of one name
 * happens once even when two connections race to auto-create it.
 */
public final class QueueRegistry {

    private static final String DEFAULT_VHOST = "/";

    private final String vhost;
    private static final Logger LOG = LoggerFactory.getLogger(QueueRegistry.class);

    private final ConcurrentHashMap<String, MessageQueue> queues = new ConcurrentHashMap<>();
    /** Durable queues deleted whose storage is not gone yet: name -> done when it is. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> removing = new ConcurrentHashMap<>();
    private final List<Consumer<MessageQueue>> deletionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<MessageQueue>> creationListeners = new CopyOnWriteArrayList<>();
    private final QueueThreads threads;
    private final QueueStorage storage;
    private volatile DeadLetters deadLetters = DeadLetters.DROP;
    private volatile MessageIds messageIds = MessageIds.NONE;
    private volatile Function<String, Map<String, Object>> autoCreateArguments = name -> Map.of();
    private volatile int maxQueues;

    /**
     * @param threads where the queues run
     * @param storage where durable queues keep their logs
     */
    public QueueRegistry(QueueThreads threads, QueueStorage storage) {
        this(DEFAULT_VHOST, threads, storage);
    }

    /**
     * The queues of virtual host {@code vhost}.
     *
     * @param threads where the queues run
     * @param storage where durable queues keep their logs (the vhost's own)
     */
    public QueueRegistry(String vhost, QueueThreads threads, QueueStorage storage) {
        this.vhost = vhost;
        this.threads = threads;
        this.storage = storage;
    }

    /**
     * Where queues created from now on send dead-lettered messages. Set once at start, before queues are recovered
     * (routing sits above this module and is built after the registry).
     */
    public void deadLetters(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    /** How queues created from now on read a stored message's message-id (to cancel scheduled messages). Set once at start. */
    public void messageIds(MessageIds messageIds) {
        this.messageIds = messageIds;
    }

    /** At most this many queues may be created (0: no limit); queues recovered at start are not refused. */
    public void maxQueues(int maxQueues) {
        this.maxQueues = maxQueues;
    }

    /** Refuses a new queue past {@link #maxQueues}; racing creators may pass it by a few, never by many. */
    private void checkLimit(String name) {
        int max = maxQueues;
        if (max > 0 && queues.size() >= max) {
            throw new QueueLimitException("cannot create queue '" + name + "': vhost '" + vhost + "' has reached "
                    + "its limit of " + max + " queues (limits.max-queues-per-vhost)");
        }
    }

    public String vhost() {
        return vhost;
    }

    /** The queue, or null when there is none of that name. */
    public MessageQueue get(String name) {
        return queues.get(name);
    }

    /**
     * The arguments an auto-created queue gets, by name (the broker's queue policies). Set once at start.
     */
    public void autoCreateArguments(Function<String, Map<String, Object>> arguments) {
        this.autoCreateArguments = arguments;
    }

    /**
     * The queue of that name, created when missing (auto-create) as a durable classic queue, or a stream when the
     * policy's arguments say {@code x-queue-type: stream}.
     */
    public MessageQueue getOrCreate(String name) {
        MessageQueue existing = queues.get(name);
        if (existing != null) {
            return existing;
        }
        Map<String, Object> arguments = autoCreateArguments.apply(name);
        String type = "stream".equals(arguments.get("x-queue-type")) ? "stream" : "classic";
        return declare(new QueueDefinition(vhost, name, type, true, false, false, arguments)).queue();
    }

    /**
     * The outcome of {@link #declare}: the queue, and whether this call created it. When it existed already,
     * {@code queue.definition()} is what it was declared with (the caller decides whether the two are equivalent).
     */
    public record Declared(MessageQueue queue, boolean created) {
    }

    /** Creates the queue unless one of that name exists; never changes an existing queue. */
    public Declared declare(QueueDefinition definition) {
        MessageQueue existing = queues.get(definition.name());
        if (existing != null) {
            return new Declared(existing, false);
        }
        checkLimit(definition.name());
        boolean[] created = {false};
        MessageQueue queue = queues.computeIfAbsent(definition.name(), n -> {
            created[0] = true;
            return newQueue(definition);
        });
        if (created[0] && definition.durable()) {
            // After the storage of a deleted namesake is gone, or its clean-up would remove this definition.
            CompletableFuture<Void> removal = removing.get(definition.name());
            if (removal == null) {
                storage.created(definition);
            } else {
                removal.thenRun(() -> storage.created(definition));
            }
        }
        if (created[0]) {
            created(queue);
        }
        return new Declared(queue, created[0]);
    }

    /** Brings back a durable queue that existed before a restart; its log recovers on the queue's thread. */
    public MessageQueue recover(QueueDefinition definition) {
        return queues.computeIfAbsent(definition.name(), n -> newQueue(definition));
    }

    private MessageQueue newQueue(QueueDefinition definition) {
        String name = definition.name();
        if ("stream".equals(definition.type())) {
            int segmentSizeBytes = StreamArguments.from(definition.arguments()).segmentSizeBytes();
            StreamOffsetStore offsets = new StreamOffsetStore() {
                @Override
                public Map<String, Long> load() throws Exception {
                    return storage.loadStreamOffsets(name);
                }

                @Override
                public void store(Map<String, Long> settled) {
                    storage.storeStreamOffsets(name, settled);
                }
            };
            return new StreamQueue(definition, () -> {
                awaitRemoval(name);
                return storage.openStream(name, segmentSizeBytes);
            }, threads.assign(), threads.timer(), offsets, () -> {
                awaitRemoval(name);
                return storage.openStreamSchedule(name);
            }, messageIds);
        }
        return new ClassicQueue(definition, definition.durable() ? () -> {
            awaitRemoval(name);
            return storage.open(name);
        } : MemoryQueueLog::new, threads.assign(),
                threads.timer(), deadLetters, () -> delete(name), messageIds);
    }

    /**
     * Creates a queue with a new unique name ({@code amq.gen-<uuid>}, as RabbitMQ names server-named queues), for
     * a dynamic link; whoever created it deletes it.
     */
    public MessageQueue createTemporary() {
        QueueDefinition definition = new QueueDefinition(vhost, "amq.gen-" + UUID.randomUUID(), "classic",
                false, true, false, Map.of());
        checkLimit(definition.name());
        MessageQueue queue = queues.computeIfAbsent(definition.name(), n -> newQueue(definition));
        created(queue);
        return queue;
    }

    private void created(MessageQueue queue) {
        for (Consumer<MessageQueue> listener : creationListeners) {
            listener.accept(queue);
        }
    }

    /** Removes and closes a queue; its messages are gone. Returns false when there was no such queue. */
    public boolean delete(String name) {
        MessageQueue queue = queues.remove(name);
        if (queue == null) {
            return false;
        }
        for (Consumer<MessageQueue> listener : deletionListeners) {
            listener.accept(queue);
        }
        if (!queue.definition().durable()) {
            queue.close();
            return true;
        }
        CompletableFuture<Void> removal = queue.close().thenCompose(closed -> storage.deleted(name));
        removing.put(name, removal);
        removal.whenComplete((v, e) -> removing.remove(name, removal));
        return true;
    }

    /**
     * Waits (on a queue thread, while a new queue opens its log) until the storage of a deleted queue of the same
     * name is gone, so that the new queue does not pick up the old one's files or see them deleted under it. The
     * wait needs no queue thread: the old queue's close ran first on its thread (it was asked first) and the rest
     * is the log writer's and the metadata thread's.
     */
    private void awaitRemoval(String name) {
        CompletableFuture<Void> removal = removing.get(name);
        if (removal != null) {
            try {
                removal.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("Queue '{}': the storage of a deleted queue of that name is not gone yet ({}); opening anyway",
                        name, e.toString());
            }
        }
    }

    /**
     * Calls {@code listener} with every queue removed by {@link #delete}, on the deleting thread (which may be an
     * event loop: the listener must not block). Routing uses it to drop the bindings to a deleted queue.
     */
    public void onDeleted(Consumer<MessageQueue> listener) {
        deletionListeners.add(listener);
    }

    /**
     * Calls {@code listener} with every queue {@link #declare} or {@link #createTemporary} creates (not recovered
     * ones), on the creating thread (which may be an event loop: the listener must not block). Plugin events use it.
     */
    public void onCreated(Consumer<MessageQueue> listener) {
        creationListeners.add(listener);
    }

    public Collection<? extends MessageQueue> all() {
        return List.copyOf(queues.values());
    }

    /** Closes every queue; the future completes when all logs are closed. */
    public CompletableFuture<Void> closeAll() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (MessageQueue q : queues.values()) {
            closing.add(q.close());
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }
}
