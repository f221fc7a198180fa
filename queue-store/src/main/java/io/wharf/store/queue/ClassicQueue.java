package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A classic queue: messages in arrival order, handed to competing consumers within their credit, removed when
 * accepted, returned to the head (in their original order) when released or failed.
 *
 * <p>All state is confined to the queue's executor: public methods post a task and return. Waiting messages are
 * held as bare offsets into the {@link QueueLog} ({@link OffsetRing}); only messages that went out and came back
 * (a small set) carry per-message state, in {@link #returned}.
 */
public final class ClassicQueue implements MessageQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ClassicQueue.class);

    private final QueueDefinition definition;
    private final String name;
    private final boolean durable;
    private final Executor executor;
    /** Opened (and recovered) by the first task on the queue's thread, so no caller waits on disk. */
    private QueueLog log;
    /** Why the log could not be opened; every later operation fails with it. */
    private Exception broken;

    // ---- confined to executor ----
    /** Never-delivered messages, in offset order. */
    private final OffsetRing fresh = new OffsetRing();
    /** Messages that were acquired before and came back: offset -> delivery count. Drained before {@link #fresh}. */
    private final TreeMap<Long, Integer> returned = new TreeMap<>();
    /** Acquired, not yet settled: offset -> who holds it and its delivery count. */
    private final Map<Long, Acquired> acquired = new HashMap<>();
    private final List<ConsumerState> consumers = new ArrayList<>();
    private int nextConsumer;
    private boolean closed;

    // ---- read from any thread ----
    private volatile long messageCount;
    private volatile int consumerCount;

    /**
     * @param logOpener opens the queue's log; runs first on {@code executor}, and its live records (a restart's
     *                  backlog) become the queue's messages before anything else happens
     */
    public ClassicQueue(QueueDefinition definition, Callable<QueueLog> logOpener, Executor executor) {
        this.definition = definition;
        this.name = definition.name();
        this.durable = definition.durable();
        this.executor = executor;
        executor.execute(() -> open(logOpener));
    }

    private void open(Callable<QueueLog> logOpener) {
        try {
            log = logOpener.call();
            long live = log.recover((offset, header, deliveredBefore) -> {
                if (deliveredBefore) {
                    // Handed out before the restart and never settled: a failed delivery.
                    returned.put(offset, 1);
                } else {
                    fresh.addLast(offset);
                }
            });
            messageCount = live;
            if (live > 0) {
                LOG.info("Queue '{}': {} messages recovered", name, live);
            }
        } catch (Exception e) {
            broken = e;
            closed = true;
            LOG.error("Queue '{}' cannot open its log; it refuses messages until the broker restarts", name, e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QueueDefinition definition() {
        return definition;
    }

    public boolean durable() {
        return durable;
    }

    @Override
    public CompletableFuture<Void> enqueue(MessageHeader header, ByteBuffer payload) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        executor.execute(() -> {
            if (closed) {
                stored.completeExceptionally(broken != null
                        ? new IllegalStateException("queue '" + name + "' has no usable log: " + broken, broken)
                        : new IllegalStateException("queue '" + name + "' is closed"));
                return;
            }
            boolean force = durable && header.durable();
            CompletableFuture<Long> appended;
            try {
                appended = log.append(header, payload, force);
            } catch (RuntimeException e) {
                stored.completeExceptionally(e);
                return;
            }
            appended.whenComplete((offset, error) -> {
                if (error != null) {
                    stored.completeExceptionally(error);
                    return;
                }
                executor.execute(() -> {
                    fresh.addLast(offset);
                    messageCount++;
                    dispatch();
                });
                stored.complete(null);
            });
        });
        return stored;
    }

    @Override
    public void addConsumer(QueueConsumer consumer) {
        executor.execute(() -> {
            consumers.add(new ConsumerState(consumer));
            consumerCount = consumers.size();
        });
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        executor.execute(() -> {
            ConsumerState state = find(consumer);
            if (state == null) {
                return;
            }
            consumers.remove(state);
            consumerCount = consumers.size();
            // Its unsettled messages count as failed deliveries: the consumer went away without an outcome.
            Iterator<Map.Entry<Long, Acquired>> it = acquired.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, Acquired> e = it.next();
                if (e.getValue().holder == state) {
                    it.remove();
                    returned.put(e.getKey(), e.getValue().deliveryCount + 1);
                }
            }
            dispatch();
        });
    }

    @Override
    public void addCredit(QueueConsumer consumer, int credit) {
        executor.execute(() -> {
            ConsumerState state = find(consumer);
            if (state != null && credit > 0) {
                state.credit += credit;
                dispatch();
            }
        });
    }

    @Override
    public void drain(QueueConsumer consumer) {
        executor.execute(() -> {
            ConsumerState state = find(consumer);
            if (state == null) {
                return;
            }
            dispatch();
            int unused = state.credit;
            state.credit = 0;
            consumer.drained(unused);
        });
    }

    @Override
    public void settle(QueueConsumer consumer, long messageId, Outcome outcome) {
        executor.execute(() -> {
            Acquired held = acquired.get(messageId);
            if (held == null || held.holder.consumer != consumer) {
                return;
            }
            acquired.remove(messageId);
            switch (outcome) {
                case ACCEPTED, REJECTED, MODIFIED_UNDELIVERABLE -> {
                    // No dead-letter exchanges yet: rejected messages are dropped, as RabbitMQ does without one.
                    log.ack(messageId);
                    messageCount--;
                }
                case RELEASED -> returned.put(messageId, held.deliveryCount);
                case MODIFIED_FAILED -> returned.put(messageId, held.deliveryCount + 1);
                case UNSENT -> returned.put(messageId, held.firstAcquirer ? FRESH : held.deliveryCount);
            }
            dispatch();
        });
    }

    @Override
    public CompletableFuture<Long> purge() {
        CompletableFuture<Long> purged = new CompletableFuture<>();
        executor.execute(() -> {
            long count = 0;
            while (!fresh.isEmpty()) {
                log.ack(fresh.pollFirst());
                count++;
            }
            for (Long offset : returned.keySet()) {
                log.ack(offset);
                count++;
            }
            returned.clear();
            messageCount -= count;
            purged.complete(count);
        });
        return purged;
    }

    @Override
    public long messageCount() {
        return messageCount;
    }

    @Override
    public int consumerCount() {
        return consumerCount;
    }

    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            closed = true;
            consumers.clear();
            consumerCount = 0;
            if (log == null) {
                done.complete(null);
                return;
            }
            log.close().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Closing the log of queue '{}' failed", name, e);
                }
                done.complete(null);
            });
        });
        return done;
    }

    /** Marker delivery count in {@link #returned} for a message that never reached a consumer. */
    private static final int FRESH = -1;

    private void dispatch() {
        while (!closed && (!returned.isEmpty() || !fresh.isEmpty())) {
            ConsumerState target = nextWithCredit();
            if (target == null) {
                return;
            }
            long offset;
            int deliveryCount;
            boolean firstAcquirer;
            if (!returned.isEmpty() && (fresh.isEmpty() || returned.firstKey() < fresh.peekFirst())) {
                Map.Entry<Long, Integer> head = returned.pollFirstEntry();
                offset = head.getKey();
                firstAcquirer = head.getValue() == FRESH;
                deliveryCount = firstAcquirer ? 0 : head.getValue();
            } else {
                offset = fresh.pollFirst();
                deliveryCount = 0;
                firstAcquirer = true;
            }
            ByteBuffer payload;
            try {
                payload = log.read(offset);
            } catch (RuntimeException e) {
                LOG.error("Queue '{}': cannot read message at offset {}; it is skipped", name, offset, e);
                messageCount--;
                continue;
            }
            if (firstAcquirer) {
                log.markDelivered(offset);
            }
            target.credit--;
            acquired.put(offset, new Acquired(target, deliveryCount, firstAcquirer));
            target.consumer.deliver(new QueueDelivery(offset, payload, deliveryCount, firstAcquirer));
        }
    }

    /** Round robin over the consumers that have credit, so competing consumers take turns. */
    private ConsumerState nextWithCredit() {
        int n = consumers.size();
        for (int i = 0; i < n; i++) {
            int index = (nextConsumer + i) % n;
            ConsumerState candidate = consumers.get(index);
            if (candidate.credit > 0) {
                nextConsumer = (index + 1) % n;
                return candidate;
            }
        }
        return null;
    }

    private ConsumerState find(QueueConsumer consumer) {
        for (ConsumerState state : consumers) {
            if (state.consumer == consumer) {
                return state;
            }
        }
        return null;
    }

    private static final class ConsumerState {
        final QueueConsumer consumer;
        int credit;

        ConsumerState(QueueConsumer consumer) {
            this.consumer = consumer;
        }
    }

    private record Acquired(ConsumerState holder, int deliveryCount, boolean firstAcquirer) {
    }
}
