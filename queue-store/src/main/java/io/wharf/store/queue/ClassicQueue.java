package io.wharf.store.queue;

import io.wharf.store.queue.QueueArguments.Overflow;
import io.wharf.store.queue.ReadyMessages.Entry;
import io.wharf.store.queue.ReadyMessages.Returned;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A classic queue: messages handed to competing consumers within their credit, removed when accepted, returned to
 * the head (in their original order) when released or failed, dead-lettered when rejected, expired, pushed out by a
 * length limit or past the delivery limit.
 *
 * <p>All state is confined to the queue's executor: public methods post a task and return. Waiting messages are
 * bare offsets into the {@link QueueLog} ({@link ReadyMessages}); per-message state exists only for messages that
 * carry an expiry, are held by a consumer, or wait for a delayed redelivery. Time-driven work (expiry, delayed
 * redelivery, {@code x-expires}) runs from one timer per queue, re-armed for the earliest deadline, which posts back
 * to the executor; nothing scans the whole queue.
 */
public final class ClassicQueue implements MessageQueue, Scheduling {

    private static final Logger LOG = LoggerFactory.getLogger(ClassicQueue.class);
    private static final String DELIVERY_TIME = "x-opt-delivery-time";
    /**
     * The timer is never armed further ahead than this: the scheduler counts elapsed (monotonic) time while due
     * times are wall-clock, so a months-long wait is re-aimed at the wall clock every few seconds and cannot drift.
     */
    private static final long MAX_TIMER_DELAY_MS = 5_000;

    private final QueueDefinition definition;
    private final QueueArguments arguments;
    private final String name;
    private final boolean durable;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final DeadLetters deadLetters;
    private final Runnable onUnusedExpiry;
    /** Opened (and recovered) by the first task on the queue's thread, so no caller waits on disk. */
    private QueueLog log;
    /** Reads for filters and hand-outs within one dispatch round: a message judged and handed out is read once. */
    private DispatchReads reads;
    /** Why the log could not be opened; every later operation fails with it. */
    private Exception broken;

    // ---- confined to executor ----
    private final ReadyMessages ready;
    /** Acquired, not yet settled: offset -> who holds it and its delivery state. */
    private final Map<Long, Acquired> acquired = new HashMap<>();
    /** Messages waiting for a delayed redelivery, earliest first. */
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>();
    /** Expiry time of each message that has one (absent = never expires). */
    private final Map<Long, Long> expiryByOffset = new HashMap<>();
    /** (expiry, offset) of messages with an expiry, earliest first; stale entries are skipped when reached. */
    private final PriorityQueue<Deadline> expiries = new PriorityQueue<>();
    private final QueueConsumers consumers;
    /** Stored messages whose delivery time has not come (see {@link QueueSchedule}). */
    private final QueueSchedule schedule;
    /** Messages of transactions not discharged yet: stored, not visible. */
    private final Map<Long, HeldForTransaction> prepared = new HashMap<>();
    /**
     * Prepared messages (being stored or stored) not committed or aborted yet, and their bytes: they count against
     * x-max-length and x-max-length-bytes like pending appends, so transactions cannot commit a queue past its limit.
     */
    private int heldPrepared;
    private long heldPreparedBytes;
    private long readyBytes;
    private int pendingAppends;
    /** Bytes of the appends in {@link #pendingAppends}: they count against x-max-length-bytes like ready ones. */
    private long pendingBytes;
    private long lastUsedMs = System.currentTimeMillis();
    private ScheduledFuture<?> timerTask;
    private long timerDueMs = Long.MAX_VALUE;
    private boolean closed;

    // ---- read from any thread ----
    private volatile long messageCount;
    private volatile int consumerCount;
    private volatile boolean full;

    /**
     * @param logOpener      opens the queue's log; runs first on {@code executor}, and its live records (a
     *                       restart's backlog) become the queue's messages before anything else happens
     * @param timer          fires time-driven work; the work itself runs on {@code executor}
     * @param deadLetters    where dead-lettered messages go
     * @param onUnusedExpiry called (on the executor) when {@code x-expires} says the unused queue must go
     * @throws IllegalArgumentException when the definition's arguments are invalid
     */
    public ClassicQueue(QueueDefinition definition, Callable<QueueLog> logOpener, Executor executor,
            ScheduledExecutorService timer, DeadLetters deadLetters, Runnable onUnusedExpiry) {
        this(definition, logOpener, executor, timer, deadLetters, onUnusedExpiry, MessageIds.NONE);
    }

    /** @param messageIds reads a stored message's message-id (to cancel a scheduled message by it) */
    public ClassicQueue(QueueDefinition definition, Callable<QueueLog> logOpener, Executor executor,
            ScheduledExecutorService timer, DeadLetters deadLetters, Runnable onUnusedExpiry,
            MessageIds messageIds) {
        this.schedule = new QueueSchedule(messageIds);
        this.definition = definition;
        this.arguments = QueueArguments.from(definition.arguments());
        this.name = definition.name();
        this.durable = definition.durable();
        this.executor = executor;
        this.timer = timer;
        this.deadLetters = deadLetters;
        this.onUnusedExpiry = onUnusedExpiry;
        this.ready = new ReadyMessages(arguments.maxPriority());
        this.consumers = new QueueConsumers(arguments.singleActiveConsumer());
        executor.execute(() -> open(logOpener));
    }

    private void open(Callable<QueueLog> logOpener) {
        try {
            log = logOpener.call();
            reads = new DispatchReads(log);
            long now = System.currentTimeMillis();
            long live = log.recover((offset, header, deliveredBefore) -> {
                // Every scheduled message goes back through the schedule, the overdue too: released at once by the
                // first timer run, in due-time order.
                if (!deliveredBefore && header.deliveryTimeMs() > 0) {
                    schedule.recovered(offset, header);
                    trackExpiry(offset, header.expiryTimeMs());
                    return;
                }
                if (deliveredBefore) {
                    // Handed out before the restart and never settled: it comes back as released.
                    ready.addReturned(offset, header.priority(), header.tagHash(), new Returned(0, false, Map.of()));
                } else {
                    ready.addFresh(offset, header.priority(), header.tagHash());
                }
                trackExpiry(offset, header.expiryTimeMs());
                if (arguments.limitsBytes()) {
                    readyBytes += log.read(offset).remaining();
                }
            });
            messageCount = live - schedule.count();
            if (live > 0) {
                LOG.info("Queue '{}': {} messages recovered ({} scheduled for later)", name, live, schedule.count());
            }
            expireDue(now);
            armTimer();
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
            if (arguments.overflow() != Overflow.DROP_HEAD && atLimit(payload.remaining())) {
                if (arguments.overflow() == Overflow.REJECT_PUBLISH_DLX) {
                    deadLetters.deadLetter(definition, payload.asReadOnlyBuffer(), DeadLetters.Reason.MAXLEN, 0);
                }
                stored.completeExceptionally(fullError(""));
                return;
            }
            MessageHeader effective = withQueueTtl(header);
            boolean force = durable && header.durable();
            int size = payload.remaining();
            CompletableFuture<Long> appended;
            try {
                appended = log.append(effective, payload, force);
            } catch (RuntimeException e) {
                stored.completeExceptionally(e);
                return;
            }
            pendingAppends++;
            pendingBytes += size;
            appended.whenComplete((offset, error) -> {
                if (error != null) {
                    stored.completeExceptionally(error);
                }
                try {
                    executor.execute(() -> {
                        try {
                            pendingAppends--;
                            pendingBytes -= size;
                            if (error == null && QueueSchedule.waits(effective, System.currentTimeMillis())) {
                                schedule.add(offset, effective, payload);
                                trackExpiry(offset, effective.expiryTimeMs());
                                armTimer();
                            } else if (error == null) {
                                arrived(offset, effective, size);
                            }
                            updateFull();
                        } finally {
                            // Accepted once the queue holds it (a client that asks for the count next sees it
                            // there), and in any case: the record is stored whatever dispatch met on the way.
                            stored.complete(null);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException queueThreadGone) {
                    stored.complete(null); // stored all the same; the queue's thread is shutting down
                }
            });
            updateFull();
        });
        return stored;
    }

    @Override
    public CompletableFuture<Long> prepare(MessageHeader header, ByteBuffer payload) {
        CompletableFuture<Long> stored = new CompletableFuture<>();
        executor.execute(() -> {
            if (closed) {
                stored.completeExceptionally(new IllegalStateException("queue '" + name + "' is closed"));
                return;
            }
            int size = payload.remaining();
            if (arguments.overflow() != Overflow.DROP_HEAD && atLimit(size)) {
                // Refused now rather than at the commit; the transaction then rolls back (not dead-lettered: it
                // never committed).
                stored.completeExceptionally(fullError(", counting uncommitted messages"));
                return;
            }
            MessageHeader effective = withQueueTtl(header);
            heldPrepared++;
            heldPreparedBytes += size;
            updateFull();
            log.appendPrepared(effective, payload).whenComplete((offset, error) -> {
                if (error != null) {
                    executor.execute(() -> release(size));
                    stored.completeExceptionally(error);
                    return;
                }
                executor.execute(() -> prepared.put(offset, new HeldForTransaction(effective, size)));
                stored.complete(offset);
            });
        });
        return stored;
    }

    @Override
    public CompletableFuture<Void> commitPrepared(long[] offsets) {
        CompletableFuture<Void> visible = new CompletableFuture<>();
        executor.execute(() -> {
            long now = System.currentTimeMillis();
            for (long offset : offsets) {
                HeldForTransaction held = prepared.remove(offset);
                if (held != null) {
                    release(held.size());
                }
                MessageHeader header = held == null ? null : held.header();
                if (header != null && !closed) {
                    log.markCommitted(offset);
                    ByteBuffer payload = log.read(offset);
                    if (QueueSchedule.waits(header, now)) {
                        // A scheduled message published in a transaction: held until its time, like any other.
                        schedule.add(offset, header, payload);
                        trackExpiry(offset, header.expiryTimeMs());
                        armTimer();
                    } else {
                        arrived(offset, header, payload.remaining());
                    }
                }
            }
            updateFull();
            visible.complete(null);
        });
        return visible;
    }

    @Override
    public void abortPrepared(long[] offsets) {
        executor.execute(() -> {
            for (long offset : offsets) {
                HeldForTransaction held = prepared.remove(offset);
                if (held != null) {
                    release(held.size());
                }
                if (held != null && !closed) {
                    log.ack(offset);
                }
            }
        });
    }

    /** The refusal of a message the queue's limits leave no room for; {@code more} ends the parenthesis. */
    private QueueFullException fullError(String more) {
        return new QueueFullException("queue '" + name + "' is full (x-max-length " + arguments.maxLength()
                + ", x-max-length-bytes " + arguments.maxLengthBytes() + ", x-overflow "
                + arguments.overflow().wireName() + more + ")");
    }

    /** A prepared message of {@code size} bytes no longer counts against the limits. */
    private void release(int size) {
        heldPrepared--;
        heldPreparedBytes -= size;
        updateFull();
    }

    @Override
    public CompletableFuture<Void> sync() {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        executor.execute(() -> {
            if (log == null) {
                synced.complete(null);
                return;
            }
            log.sync().whenComplete((v, e) -> {
                if (e != null) {
                    synced.completeExceptionally(e);
                } else {
                    synced.complete(null);
                }
            });
        });
        return synced;
    }

    /** x-message-ttl becomes the message's own expiry (the earlier of the two), stored with it in the log. */
    private MessageHeader withQueueTtl(MessageHeader header) {
        if (arguments.messageTtlMs() < 0) {
            return header;
        }
        long queueExpiry = System.currentTimeMillis() + arguments.messageTtlMs();
        long expiry = header.expiryTimeMs() > 0 ? Math.min(header.expiryTimeMs(), queueExpiry) : queueExpiry;
        return new MessageHeader(expiry, header.deliveryTimeMs(), header.priority(), header.tagHash(),
                header.durable());
    }

    private void arrived(long offset, MessageHeader header, int size) {
        ready.addFresh(offset, header.priority(), header.tagHash());
        messageCount++;
        if (arguments.limitsBytes()) {
            readyBytes += size;
        }
        trackExpiry(offset, header.expiryTimeMs());
        if (arguments.overflow() == Overflow.DROP_HEAD) {
            while (overLimit()) {
                Entry head = ready.poll();
                if (head == null) {
                    break;
                }
                leave(head.offset(), DeadLetters.Reason.MAXLEN, head.deliveryCount(), true);
            }
        }
        dispatch();
        armTimer();
    }

    private boolean overLimit() {
        return (arguments.maxLength() >= 0 && ready.size() > arguments.maxLength())
                || (arguments.maxLengthBytes() >= 0 && readyBytes > arguments.maxLengthBytes());
    }

    /** Would one more message of {@code size} bytes take the queue past a limit? Pending and prepared ones count. */
    private boolean atLimit(int size) {
        return (arguments.maxLength() >= 0 && ready.size() + pendingAppends + heldPrepared >= arguments.maxLength())
                || (arguments.maxLengthBytes() >= 0
                        && readyBytes + pendingBytes + heldPreparedBytes + size > arguments.maxLengthBytes());
    }

    private void updateFull() {
        boolean nowFull = arguments.overflow() != Overflow.DROP_HEAD && atLimit(1);
        // Called on every publish and dispatch; a volatile write is a full fence on x86, a read is not.
        if (nowFull != full) {
            full = nowFull;
        }
    }

    @Override
    public boolean full() {
        return full;
    }

    @Override
    public void addConsumer(QueueConsumer consumer, ConsumerOptions options) {
        executor.execute(() -> {
            consumers.add(consumer, options);
            consumerCount = consumers.takingCount();
            lastUsedMs = System.currentTimeMillis();
        });
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        executor.execute(() -> {
            QueueConsumers.State state = consumers.remove(consumer);
            if (state == null) {
                return;
            }
            consumerCount = consumers.takingCount();
            lastUsedMs = System.currentTimeMillis();
            // Its unsettled messages are released: back to the head, delivery count unchanged.
            Iterator<Map.Entry<Long, Acquired>> it = acquired.entrySet().iterator();
            List<Map.Entry<Long, Acquired>> back = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<Long, Acquired> e = it.next();
                if (e.getValue().holder == state) {
                    it.remove();
                    back.add(e);
                }
            }
            for (Map.Entry<Long, Acquired> e : back) {
                Acquired held = e.getValue();
                requeue(e.getKey(), held, new Returned(held.deliveryCount, false, held.annotations), 0);
            }
            dispatch();
            armTimer();
        });
    }

    @Override
    public void addCredit(QueueConsumer consumer, int credit) {
        executor.execute(() -> {
            QueueConsumers.State state = consumers.find(consumer);
            if (state != null && credit > 0) {
                state.credit += credit;
                dispatch();
            }
        });
    }

    @Override
    public void drain(QueueConsumer consumer) {
        executor.execute(() -> {
            QueueConsumers.State state = consumers.find(consumer);
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
    public void settle(QueueConsumer consumer, long messageId, Outcome outcome, Map<String, Object> annotations) {
        executor.execute(() -> {
            Acquired held = acquired.get(messageId);
            if (held == null || held.holder.consumer != consumer) {
                return;
            }
            acquired.remove(messageId);
            switch (outcome) {
                case ACCEPTED -> remove(messageId);
                case REJECTED, MODIFIED_UNDELIVERABLE ->
                        leave(messageId, DeadLetters.Reason.REJECTED, held.deliveryCount, false);
                case RELEASED -> requeue(messageId, held,
                        new Returned(held.deliveryCount, false, held.annotations), 0);
                case MODIFIED_FAILED -> failed(messageId, held, annotations);
                case UNSENT -> requeue(messageId, held,
                        new Returned(held.deliveryCount, held.firstAcquirer, held.annotations), 0);
            }
            dispatch();
            armTimer();
        });
    }

    /** A failed delivery: count it, dead-letter past the delivery limit, else redeliver (maybe later). */
    private void failed(long offset, Acquired held, Map<String, Object> annotations) {
        int count = held.deliveryCount + 1;
        if (arguments.deliveryLimit() >= 0 && count > arguments.deliveryLimit()) {
            leave(offset, DeadLetters.Reason.DELIVERY_LIMIT, count, false);
            return;
        }
        Map<String, Object> merged = held.annotations;
        long dueMs = 0;
        if (!annotations.isEmpty()) {
            merged = new LinkedHashMap<>(held.annotations);
            for (Map.Entry<String, Object> e : annotations.entrySet()) {
                if (e.getKey().equals(DELIVERY_TIME)) {
                    dueMs = e.getValue() instanceof Number time ? time.longValue()
                            : e.getValue() instanceof java.util.Date date ? date.getTime() : 0;
                } else if (e.getKey().startsWith("x-")) {
                    merged.put(e.getKey(), e.getValue());
                }
            }
            merged = Map.copyOf(merged);
        }
        if (dueMs == 0) {
            long backoff = arguments.redeliveryDelayMs(count);
            dueMs = backoff > 0 ? System.currentTimeMillis() + backoff : 0;
        }
        requeue(offset, held, new Returned(count, false, merged), dueMs);
    }

    /** Back to the waiting messages, or to the delayed ones until {@code dueMs}; expired ones leave instead. */
    private void requeue(long offset, Acquired held, Returned state, long dueMs) {
        long now = System.currentTimeMillis();
        Long expiry = expiryByOffset.get(offset);
        if (expiry != null && expiry <= now) {
            leave(offset, DeadLetters.Reason.EXPIRED, state.deliveryCount(), false);
            return;
        }
        if (dueMs > now) {
            delayed.add(new Delayed(dueMs, offset, held.priority, held.tagHash, state));
            return;
        }
        ready.addReturned(offset, held.priority, held.tagHash, state);
        if (arguments.limitsBytes()) {
            readyBytes += held.sizeBytes;
        }
    }

    @Override
    public CompletableFuture<Long> purge() {
        CompletableFuture<Long> purged = new CompletableFuture<>();
        executor.execute(() -> {
            if (log == null) {
                purged.complete(0L);
                return;
            }
            long[] offsets = ready.clear();
            for (long offset : offsets) {
                expiryByOffset.remove(offset);
                log.ack(offset);
            }
            readyBytes = 0;
            messageCount -= offsets.length;
            updateFull();
            purged.complete((long) offsets.length);
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
            if (timerTask != null) {
                timerTask.cancel(false);
            }
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

    // ---- scheduled messages (management) ----

    @Override
    public long scheduledCount() {
        return schedule.count();
    }

    @Override
    public CompletableFuture<List<ScheduledMessage>> scheduled(Position after, int limit) {
        return onQueue(() -> schedule.page(after, limit, log));
    }

    @Override
    public CompletableFuture<Integer> cancelScheduled(String messageId) {
        return onQueue(() -> {
            long[] cancelled = schedule.cancel(messageId, log);
            for (long offset : cancelled) {
                expiryByOffset.remove(offset);
                log.ack(offset);
            }
            return cancelled.length;
        });
    }

    private <T> CompletableFuture<T> onQueue(Callable<T> work) {
        return QueueSchedule.call(executor, () -> {
            if (log == null) {
                throw new IllegalStateException("queue '" + name + "' has no usable log");
            }
            return work.call();
        });
    }

    // ---- dispatch ----

    /**
     * Hands waiting messages to consumers with credit: the head to a consumer that wants it; then, when the head is
     * wanted by nobody who can take it now, filtered consumers take what they want from further back (see
     * {@link ReadyMessages#takeMatching} for what that costs). The rest stays, in order, for the others.
     */
    private void dispatch() {
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        boolean filtered = consumers.hasFiltered();
        while (!ready.isEmpty()) {
            Entry head = filtered ? ready.peek() : null;
            QueueConsumers.State target = filtered ? consumers.nextWithCredit(c -> c.wants(head, ready, reads))
                    : consumers.nextWithCredit();
            if (target == null) {
                break;
            }
            Entry entry = ready.poll();
            if (entry == null) {
                break;
            }
            handOut(target, entry, now);
        }
        if (filtered) {
            for (QueueConsumers.State c : consumers.filteredWithCredit()) {
                c.prepareFilter(ready, reads);
                while (c.credit > 0) {
                    Entry entry = ready.takeMatching(c.cursor, c.judge);
                    if (entry == null) {
                        break;
                    }
                    handOut(c, entry, now);
                }
            }
        }
        reads.forget();
        browse();
        updateFull();
    }

    /** Gives {@code entry}, taken from the waiting messages, to {@code target} (or drops it when it expired). */
    private void handOut(QueueConsumers.State target, Entry entry, long now) {
        Long expiry = expiryByOffset.get(entry.offset());
        if (expiry != null && expiry <= now) {
            reads.forget();
            leave(entry.offset(), DeadLetters.Reason.EXPIRED, entry.deliveryCount(), true);
            return;
        }
        ByteBuffer payload;
        try {
            payload = reads.take(entry.offset());
        } catch (RuntimeException e) {
            LOG.error("Queue '{}': cannot read message at offset {}; it is dropped", name, entry.offset(), e);
            expiryByOffset.remove(entry.offset());
            messageCount--;
            return;
        }
        int size = payload.remaining();
        if (arguments.limitsBytes()) {
            readyBytes -= size;
        }
        if (entry.firstAcquirer()) {
            log.markDelivered(entry.offset());
        }
        target.credit--;
        acquired.put(entry.offset(), new Acquired(target, entry.priority(), entry.deliveryCount(),
                entry.firstAcquirer(), entry.annotations(), size, entry.tagHash()));
        target.consumer.deliver(new QueueDelivery(entry.offset(), payload, entry.deliveryCount(),
                entry.firstAcquirer(), entry.annotations()));
    }

    /** Browsers see copies of the waiting messages in offset order; nothing is acquired. */
    private void browse() {
        if (!consumers.hasBrowsers()) {
            return;
        }
        for (QueueConsumers.State browser : consumers.browsers()) {
            while (browser.credit > 0) {
                Entry next = ready.nextAfter(browser.browsedUpTo);
                if (next == null) {
                    break;
                }
                browser.browsedUpTo = next.offset();
                ByteBuffer payload = log.read(next.offset());
                if (browser.options.filter() != null && !FilterJudge.matches(browser.options.filter(), payload)) {
                    continue;
                }
                browser.credit--;
                browser.consumer.deliver(new QueueDelivery(next.offset(), payload, next.deliveryCount(),
                        next.firstAcquirer(), next.annotations()));
            }
        }
    }

    // ---- leaving the queue ----

    /** Gone for good: accepted. */
    private void remove(long offset) {
        expiryByOffset.remove(offset);
        log.ack(offset);
        messageCount--;
    }

    /**
     * Leaves the queue for {@code reason}: dead-lettered when the queue has a dead-letter exchange, then removed.
     * {@code wasReady} says the message was counted in the ready bytes.
     */
    private void leave(long offset, DeadLetters.Reason reason, long deliveryCount, boolean wasReady) {
        boolean deadLetter = arguments.deadLetterExchange() != null;
        boolean countBytes = wasReady && arguments.limitsBytes();
        if (deadLetter || countBytes) {
            // One read of the record serves both (each read checks the record's CRC).
            ByteBuffer payload = log.read(offset);
            if (countBytes) {
                readyBytes -= payload.remaining();
            }
            if (deadLetter) {
                try {
                    deadLetters.deadLetter(definition, payload, reason, deliveryCount);
                } catch (RuntimeException e) {
                    LOG.warn("Queue '{}': dead-lettering message {} ({}) failed; it is dropped: {}", name, offset,
                            reason.wireName(), e.toString());
                }
            }
        }
        remove(offset);
    }

    // ---- time ----

    private void trackExpiry(long offset, long expiryMs) {
        if (expiryMs > 0) {
            expiryByOffset.put(offset, expiryMs);
            expiries.add(new Deadline(expiryMs, offset));
        }
    }

    private void onTimer() {
        timerTask = null;
        timerDueMs = Long.MAX_VALUE;
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        schedule.releaseDue(now, (offset, priority, tagHash) -> {
            ready.addDue(offset, priority, tagHash);
            messageCount++;
            if (arguments.limitsBytes()) {
                readyBytes += log.read(offset).remaining();
            }
        });
        while (!delayed.isEmpty() && delayed.peek().dueMs <= now) {
            Delayed d = delayed.poll();
            Long expiry = expiryByOffset.get(d.offset);
            if (expiry != null && expiry <= now) {
                leave(d.offset, DeadLetters.Reason.EXPIRED, d.state.deliveryCount(), false);
            } else {
                ready.addReturned(d.offset, d.priority, d.tagHash, d.state);
                if (arguments.limitsBytes()) {
                    readyBytes += log.read(d.offset).remaining();
                }
            }
        }
        expireDue(now);
        if (arguments.expiresMs() > 0 && consumerCount == 0
                && now - lastUsedMs >= arguments.expiresMs()) {
            LOG.info("Queue '{}' unused for {} ms (x-expires): deleting it", name, arguments.expiresMs());
            onUnusedExpiry.run();
            return;
        }
        dispatch();
        armTimer();
    }

    /** Removes the waiting messages whose expiry has passed; held and delayed ones are checked when they return. */
    private void expireDue(long now) {
        while (!expiries.isEmpty() && expiries.peek().dueMs <= now) {
            Deadline d = expiries.poll();
            Long expiry = expiryByOffset.get(d.offset);
            if (expiry == null || expiry != d.dueMs || !ready.contains(d.offset)) {
                continue;
            }
            ready.remove(d.offset);
            leave(d.offset, DeadLetters.Reason.EXPIRED, 0, true);
        }
    }

    /** Keeps one timer armed for the earliest of: next expiry, next delayed redelivery, x-expires. */
    private void armTimer() {
        long due = Long.MAX_VALUE;
        if (!expiries.isEmpty()) {
            due = expiries.peek().dueMs;
        }
        if (!delayed.isEmpty()) {
            due = Math.min(due, delayed.peek().dueMs);
        }
        due = Math.min(due, schedule.nextDueMs());
        if (arguments.expiresMs() > 0 && consumerCount == 0) {
            due = Math.min(due, lastUsedMs + arguments.expiresMs());
        }
        if (due == Long.MAX_VALUE || due >= timerDueMs || closed) {
            return;
        }
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        long now = System.currentTimeMillis();
        long delayMs = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, due - now));
        timerDueMs = Math.min(due, now + delayMs);
        timerTask = timer.schedule(() -> executor.execute(this::onTimer), delayMs, TimeUnit.MILLISECONDS);
    }

    /** A prepared message: its header (for when it commits) and its size (held against the limits meanwhile). */
    private record HeldForTransaction(MessageHeader header, int size) {
    }

    private record Acquired(QueueConsumers.State holder, int priority, int deliveryCount, boolean firstAcquirer,
            Map<String, Object> annotations, int sizeBytes, int tagHash) {
    }

    private record Delayed(long dueMs, long offset, int priority, int tagHash, Returned state)
            implements Comparable<Delayed> {
        @Override
        public int compareTo(Delayed o) {
            return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(offset, o.offset);
        }
    }

    private record Deadline(long dueMs, long offset) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            return dueMs != o.dueMs ? Long.compare(dueMs, o.dueMs) : Long.compare(offset, o.offset);
        }
    }
}
