package io.wharf.store.stream;

import io.wharf.store.log.CorruptRecordException;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.ConsumerFilter;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageIds;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.queue.QueueLog;
import io.wharf.store.queue.QueueSchedule;
import io.wharf.store.queue.ScheduledMessage;
import io.wharf.store.queue.Scheduling;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream: an append-only {@link SegmentedLog} that consuming never shrinks. Every consumer has its own read
 * position and credit; a consumer at the end of the log is pushed each new message as its append completes (the
 * append's completion is the signal, nothing polls). Outcomes are ignored, except that an {@code UNSENT} delivery
 * moves the consumer back so the message goes out again.
 *
 * <p>A named consumer ({@link ConsumerOptions#consumerName()}) has its highest settled offset remembered; it is
 * written to the {@link StreamOffsetStore} in batches (by the same timer, when the consumer goes, and at close) and
 * a consumer of that name resumes after it, whatever offset spec it asks for.
 *
 * <p>Retention runs from a timer ({@value #RETENTION_CHECK_MS} ms) as a task on the log's writer thread, which
 * deletes whole old segments; a consumer positioned in a deleted segment continues from the new start. Confined to
 * the queue's executor like {@code ClassicQueue}.
 */
public final class StreamQueue implements MessageQueue, Scheduling {

    private static final Logger LOG = LoggerFactory.getLogger(StreamQueue.class);
    /** The annotation every delivery carries: the message's offset in the stream. */
    public static final String OFFSET_ANNOTATION = "x-stream-offset";
    static final long RETENTION_CHECK_MS = 1000;

    private final QueueDefinition definition;
    private final StreamArguments arguments;
    private final String name;
    private final Executor executor;
    private final StreamOffsetStore offsetStore;
    /** Scheduled messages, appended when due (see {@link StreamSchedule}); null without storage for them. */
    private final StreamSchedule schedule;

    // ---- confined to executor ----
    /** Written once by the open task; volatile only so that {@link #messageCount} can read it anywhere. */
    private volatile SegmentedLog log;
    private Exception broken;
    private boolean closed;
    private final Map<QueueConsumer, Reader> readers = new LinkedHashMap<>();
    private volatile ScheduledFuture<?> retentionTask;
    private boolean retentionRunning;
    private boolean reportedDamage;
    /** Named consumers' highest settled offsets; {@link #unsaved} holds those not handed to the store yet. */
    private final Map<String, Long> settledOffsets = new HashMap<>();
    private final Map<String, Long> unsaved = new HashMap<>();

    // ---- read from any thread ----
    private volatile int consumerCount;

    /** One consumer's place in the stream. */
    private static final class Reader {
        final String name;
        /** Null: every message. */
        final ConsumerFilter filter;
        long position;
        int credit;

        Reader(String name, long position, ConsumerFilter filter) {
            this.name = name;
            this.position = position;
            this.filter = filter;
        }
    }

    /**
     * @param logOpener opens (and recovers) the stream's log; runs first on {@code executor}
     * @param timer       fires the retention check and the offset saves; the work is posted to {@code executor}
     * @param offsetStore where named consumers' offsets are kept
     * @throws IllegalArgumentException when the definition's arguments are invalid
     */
    public StreamQueue(QueueDefinition definition, Callable<SegmentedLog> logOpener, Executor executor,
            ScheduledExecutorService timer, StreamOffsetStore offsetStore) {
        this(definition, logOpener, executor, timer, offsetStore, null, MessageIds.NONE);
    }

    /**
     * @param scheduleOpener opens the log of the stream's scheduled messages (null: a scheduled publish is appended
     *                       at once, as when the stream had no schedule)
     * @param messageIds     reads a stored message's message-id (to cancel a scheduled message by it)
     */
    public StreamQueue(QueueDefinition definition, Callable<SegmentedLog> logOpener, Executor executor,
            ScheduledExecutorService timer, StreamOffsetStore offsetStore, Callable<QueueLog> scheduleOpener,
            MessageIds messageIds) {
        this.schedule = scheduleOpener == null ? null
                : new StreamSchedule(definition.name(), executor, timer, messageIds, this::enqueue);
        this.definition = definition;
        this.arguments = StreamArguments.from(definition.arguments());
        this.name = definition.name();
        this.executor = executor;
        this.offsetStore = offsetStore;
        executor.execute(() -> open(logOpener));
        if (schedule != null) {
            executor.execute(() -> {
                if (!closed) {
                    schedule.open(scheduleOpener);
                }
            });
        }
        retentionTask = timer.scheduleWithFixedDelay(() -> executor.execute(this::periodic),
                RETENTION_CHECK_MS, RETENTION_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    private void periodic() {
        saveOffsets();
        if (arguments.retains()) {
            applyRetention();
        }
    }

    /** Hands the offsets settled since the last save to the store. */
    private void saveOffsets() {
        if (!unsaved.isEmpty()) {
            offsetStore.store(Map.copyOf(unsaved));
            unsaved.clear();
        }
    }

    private void open(Callable<SegmentedLog> logOpener) {
        try {
            log = logOpener.call();
            long count = log.nextOffset() - log.startOffset();
            if (count > 0) {
                LOG.info("Stream '{}': offsets {}..{} recovered", name, log.startOffset(), log.nextOffset() - 1);
            }
        } catch (Exception e) {
            broken = e;
            closed = true;
            LOG.error("Stream '{}' cannot open its log; it refuses messages until the broker restarts", name, e);
            return;
        }
        try {
            settledOffsets.putAll(offsetStore.load());
        } catch (Exception e) {
            LOG.error("Stream '{}': the stored consumer offsets could not be read; named consumers start where "
                    + "their offset spec says", name, e);
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

    /** The retention settings this stream applies. */
    public StreamArguments arguments() {
        return arguments;
    }

    @Override
    public CompletableFuture<Void> enqueue(MessageHeader header, ByteBuffer payload) {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        executor.execute(() -> {
            if (closed) {
                stored.completeExceptionally(closedError());
                return;
            }
            if (schedule != null && QueueSchedule.waits(header, System.currentTimeMillis())) {
                schedule.hold(header, payload, stored);
                return;
            }
            afterAppend(() -> log.append(header, payload, header.durable()), stored, executor,
                    offset -> deliverAll());
        });
        return stored;
    }

    /**
     * Runs {@code append}; once the record is stored, runs {@code then} with its offset on {@code executor} and
     * completes {@code stored}; an append that throws or fails fails {@code stored}.
     */
    static void afterAppend(java.util.function.Supplier<CompletableFuture<Long>> append,
            CompletableFuture<Void> stored, java.util.concurrent.Executor executor,
            java.util.function.LongConsumer then) {
        CompletableFuture<Long> appended;
        try {
            appended = append.get();
        } catch (RuntimeException e) {
            stored.completeExceptionally(e);
            return;
        }
        appended.whenComplete((offset, error) -> {
            if (error != null) {
                stored.completeExceptionally(error);
                return;
            }
            executor.execute(() -> then.accept(offset));
            stored.complete(null);
        });
    }

    @Override
    public long scheduledCount() {
        return schedule == null ? 0 : schedule.count();
    }

    @Override
    public CompletableFuture<List<ScheduledMessage>> scheduled(Position after, int limit) {
        return schedule == null ? CompletableFuture.completedFuture(List.of()) : schedule.page(after, limit);
    }

    @Override
    public CompletableFuture<Integer> cancelScheduled(String messageId) {
        return schedule == null ? CompletableFuture.completedFuture(0) : schedule.cancel(messageId);
    }

    private Exception closedError() {
        return broken != null
                ? new IllegalStateException("stream '" + name + "' has no usable log: " + broken, broken)
                : new IllegalStateException("stream '" + name + "' is closed");
    }

    @Override
    public void addConsumer(QueueConsumer consumer, ConsumerOptions options) {
        executor.execute(() -> {
            if (closed) {
                return;
            }
            String consumerName = options.consumerName();
            Long settled = consumerName == null ? null : settledOffsets.get(consumerName);
            long position = settled != null
                    ? Math.max(log.startOffset(), Math.min(settled + 1, log.nextOffset()))
                    : startPosition(options.streamOffset());
            readers.put(consumer, new Reader(consumerName, position, options.filter()));
            consumerCount = readers.size();
        });
    }

    /** Where a new consumer starts reading. */
    private long startPosition(StreamOffset spec) {
        long start = log.startOffset();
        long end = log.nextOffset();
        return switch (spec.kind()) {
            case FIRST -> start;
            case LAST -> end > start ? end - 1 : end;
            case NEXT -> end;
            case OFFSET -> Math.max(start, Math.min(spec.value(), end));
            case TIMESTAMP -> firstAtOrAfter(spec.value(), start, end);
        };
    }

    /**
     * The offset of the first record stored at or after {@code epochMs}; {@code end} when there is none. A binary
     * search over offsets: record timestamps are the writer's batch times, so they do not decrease (unless the
     * wall clock is set back, when the answer is near, not exact). Each probe reads one record header through the
     * sparse index.
     */
    private long firstAtOrAfter(long epochMs, long start, long end) {
        long low = start;
        long high = end;
        while (low < high) {
            long mid = (low + high) >>> 1;
            long probed = timestampAtOrAfter(mid);
            if (probed < 0) {
                return end;
            }
            if (probed >= epochMs) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** The timestamp of record {@code offset} (or the first after it when it was deleted); -1 when none. */
    private long timestampAtOrAfter(long offset) {
        long[] timestamp = {-1};
        log.scan(offset, record -> {
            timestamp[0] = record.timestampMs();
            return false;
        });
        return timestamp[0];
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        executor.execute(() -> {
            Reader reader = readers.remove(consumer);
            consumerCount = readers.size();
            if (reader != null && reader.name != null) {
                saveOffsets();
            }
        });
    }

    @Override
    public void addCredit(QueueConsumer consumer, int credit) {
        executor.execute(() -> {
            Reader reader = readers.get(consumer);
            if (reader == null || closed) {
                return;
            }
            reader.credit += credit;
            deliver(consumer, reader);
        });
    }

    @Override
    public void drain(QueueConsumer consumer) {
        executor.execute(() -> {
            Reader reader = readers.get(consumer);
            if (reader == null) {
                consumer.drained(0);
                return;
            }
            if (!closed) {
                deliver(consumer, reader);
            }
            int unused = reader.credit;
            reader.credit = 0;
            consumer.drained(unused);
        });
    }

    @Override
    public void settle(QueueConsumer consumer, long messageId, Outcome outcome, Map<String, Object> annotations) {
        executor.execute(() -> {
            Reader reader = readers.get(consumer);
            if (reader == null) {
                return;
            }
            if (outcome != Outcome.UNSENT) {
                if (reader.name != null) {
                    Long settled = settledOffsets.get(reader.name);
                    if (settled == null || messageId > settled) {
                        settledOffsets.put(reader.name, messageId);
                        unsaved.put(reader.name, messageId);
                    }
                }
                return;
            }
            if (messageId < reader.position) {
                // The link could not send it (credit lowered meanwhile): it goes out again from there.
                reader.position = messageId;
            }
        });
    }

    private void deliverAll() {
        if (closed) {
            return;
        }
        for (Map.Entry<QueueConsumer, Reader> e : readers.entrySet()) {
            deliver(e.getKey(), e.getValue());
        }
    }

    /** Sends what the reader's credit allows from its position up to the end published now. */
    private void deliver(QueueConsumer consumer, Reader reader) {
        long end = log.nextOffset();
        while (reader.credit > 0 && reader.position < end) {
            if (reader.filter != null && reader.filter.tagHashes() != null) {
                // Record headers and chunk summaries only: payloads with other tags are never read.
                reader.position = log.nextWithTag(reader.position, end, reader.filter.tagHashes());
                if (reader.position >= end) {
                    break;
                }
            }
            long offset = reader.position;
            ByteBuffer payload;
            try {
                payload = log.read(offset);
            } catch (NoSuchElementException deleted) {
                // Retention removed it: continue from the oldest message still there.
                long start = log.startOffset();
                if (start <= offset) {
                    throw deleted;
                }
                reader.position = start;
                continue;
            } catch (CorruptRecordException damaged) {
                // The bytes on disk no longer match their CRC: skip the record rather than stall every reader.
                if (!reportedDamage) {
                    reportedDamage = true;
                    LOG.error("Stream '{}': record {} is damaged on disk and is skipped (further damaged records "
                            + "are skipped without a log line)", name, offset, damaged);
                }
                reader.position = offset + 1;
                continue;
            }
            reader.position = offset + 1;
            if (reader.filter != null && !matches(reader.filter, payload)) {
                continue;
            }
            reader.credit--;
            consumer.deliver(new QueueDelivery(offset, payload, 0, true, Map.of(OFFSET_ANNOTATION, offset)));
        }
    }

    /** The filter's verdict; one that throws despite its contract says no. */
    private static boolean matches(ConsumerFilter filter, ByteBuffer payload) {
        try {
            return filter.matches(payload.asReadOnlyBuffer());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void applyRetention() {
        if (closed || retentionRunning) {
            return;
        }
        retentionRunning = true;
        log.deleteForRetention(arguments.maxLengthBytes(), arguments.maxAgeMs(), System.currentTimeMillis())
                .whenComplete((deleted, error) -> executor.execute(() -> {
                    retentionRunning = false;
                    if (error != null) {
                        LOG.warn("Stream '{}': retention could not delete old segments: {}", name, error.toString());
                    } else if (deleted > 0) {
                        LOG.debug("Stream '{}': retention deleted {} segments; it now starts at offset {}", name,
                                deleted, log.startOffset());
                    }
                }));
    }

    /** Streams are not purged (RabbitMQ refuses it too): retention is what removes messages. */
    @Override
    public CompletableFuture<Long> purge() {
        return CompletableFuture.completedFuture(0L);
    }

    /** Messages retained (from the oldest segment's base to the end; may lag). */
    @Override
    public long messageCount() {
        SegmentedLog current = log;
        return current == null ? 0 : current.nextOffset() - current.startOffset();
    }

    @Override
    public int consumerCount() {
        return consumerCount;
    }

    /** The stored (last settled) offset of the consumer named {@code consumerName}; null when it has none. */
    public CompletableFuture<Long> storedOffset(String consumerName) {
        CompletableFuture<Long> offset = new CompletableFuture<>();
        executor.execute(() -> offset.complete(settledOffsets.get(consumerName)));
        return offset;
    }

    /** Every named consumer's stored (last settled) offset, for management. */
    public CompletableFuture<Map<String, Long>> storedOffsets() {
        CompletableFuture<Map<String, Long>> offsets = new CompletableFuture<>();
        executor.execute(() -> offsets.complete(new java.util.TreeMap<>(settledOffsets)));
        return offsets;
    }

    /**
     * Sets the stored offset of the consumer named {@code consumerName}, as if it had settled {@code offset} last
     * (a lower value moves it back): its next attach resumes after it. Saved at once. A consumer of that name
     * attached now keeps its current position.
     */
    public CompletableFuture<Void> storeOffset(String consumerName, long offset) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            settledOffsets.put(consumerName, offset);
            unsaved.put(consumerName, offset);
            saveOffsets();
            done.complete(null);
        });
        return done;
    }

    /** The offsets the stream holds now, {@code [start, next)}; for tests and management. */
    public CompletableFuture<long[]> range() {
        CompletableFuture<long[]> range = new CompletableFuture<>();
        executor.execute(() -> range.complete(log == null ? new long[] {0, 0}
                : new long[] {log.startOffset(), log.nextOffset()}));
        return range;
    }

    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            if (retentionTask != null) {
                retentionTask.cancel(false);
            }
            boolean wasOpen = !closed;
            if (wasOpen) {
                saveOffsets();
            }
            closed = true;
            readers.clear();
            consumerCount = 0;
            CompletableFuture<Void> scheduleClosed = schedule == null ? CompletableFuture.completedFuture(null)
                    : schedule.close();
            if (!wasOpen || log == null) {
                scheduleClosed.whenComplete((v, e) -> done.complete(null));
                return;
            }
            log.close().thenCombine(scheduleClosed, (a, b) -> a).whenComplete((v, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(null);
                }
            });
        });
        return done;
    }
}
