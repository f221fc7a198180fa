package io.wharf.store.stream;

import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageIds;
import io.wharf.store.queue.QueueLog;
import io.wharf.store.queue.QueueSchedule;
import io.wharf.store.queue.ScheduledMessage;
import io.wharf.store.queue.Scheduling;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's scheduled messages. A stream is an append-only log read by offset, so a message cannot sit in it
 * invisible; a scheduled message is instead stored on arrival in a log of its own beside the stream (a classic
 * queue log: forced before the publisher hears "accepted"), held in the same time index as a classic queue's, and
 * <b>appended to the stream when due</b>, after which its copy in the schedule log is acked. So its stream offset
 * and timestamp are those of its due time, readers see due messages in due-time order, and offset specs such as
 * {@code next} or a timestamp treat it as published when it fell due.
 *
 * <p>A crash between the append to the stream and the (lazily persisted) ack in the schedule log appends it again
 * after the restart: at least once, never lost. After a restart, overdue messages are appended at once.
 *
 * <p>Confined to the stream's executor.
 */
final class StreamSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(StreamSchedule.class);
    /** See ClassicQueue: the timer is re-aimed at the wall clock at least this often. */
    private static final long MAX_TIMER_DELAY_MS = 5_000;

    private final String name;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final QueueSchedule schedule;
    /** Appends a due message to the stream (the stream's own enqueue). */
    private final BiFunction<MessageHeader, ByteBuffer, CompletableFuture<Void>> appender;
    private QueueLog log;
    private Exception broken;
    private ScheduledFuture<?> timerTask;
    private long timerDueMs = Long.MAX_VALUE;
    private boolean closed;

    StreamSchedule(String name, Executor executor, ScheduledExecutorService timer, MessageIds ids,
            BiFunction<MessageHeader, ByteBuffer, CompletableFuture<Void>> appender) {
        this.name = name;
        this.executor = executor;
        this.timer = timer;
        this.schedule = new QueueSchedule(ids);
        this.appender = appender;
    }

    /** Opens and recovers the schedule log; on the executor, after the stream's own log is open. */
    void open(Callable<QueueLog> opener) {
        try {
            log = opener.call();
            log.recover((offset, header, deliveredBefore) -> schedule.recovered(offset, header));
            if (!schedule.isEmpty()) {
                LOG.info("Stream '{}': {} scheduled messages recovered", name, schedule.count());
            }
            arm();
        } catch (Exception e) {
            broken = e;
            LOG.error("Stream '{}' cannot open the log of its scheduled messages; delayed publishes to it are refused",
                    name, e);
        }
    }

    /** Stores a message to append when due; completes once stored (forced when durable). On the executor. */
    void hold(MessageHeader header, ByteBuffer payload, CompletableFuture<Void> stored) {
        if (log == null || closed) {
            stored.completeExceptionally(new IllegalStateException("stream '" + name + "' cannot hold scheduled "
                    + "messages" + (broken != null ? ": " + broken : " (closed)")));
            return;
        }
        StreamQueue.afterAppend(() -> log.append(header, payload, header.durable()), stored, executor, offset -> {
            schedule.add(offset, header, payload);
            arm();
        });
    }

    long count() {
        return schedule.count();
    }

    CompletableFuture<List<ScheduledMessage>> page(Scheduling.Position after, int limit) {
        return QueueSchedule.call(executor, () -> log == null ? List.of() : schedule.page(after, limit, log));
    }

    CompletableFuture<Integer> cancel(String messageId) {
        return QueueSchedule.call(executor, () -> {
            if (log == null) {
                return 0;
            }
            long[] cancelled = schedule.cancel(messageId, log);
            for (long offset : cancelled) {
                log.ack(offset);
            }
            return cancelled.length;
        });
    }

    CompletableFuture<Void> close() {
        closed = true;
        if (timerTask != null) {
            timerTask.cancel(false);
        }
        return log == null ? CompletableFuture.completedFuture(null) : log.close();
    }

    private void onTimer() {
        timerTask = null;
        timerDueMs = Long.MAX_VALUE;
        if (closed) {
            return;
        }
        schedule.releaseDue(System.currentTimeMillis(), (offset, priority, tagHash) -> {
            MessageHeader stored = log.header(offset);
            MessageHeader now = stored == null ? new MessageHeader(0, 0, priority, tagHash, true)
                    : new MessageHeader(stored.expiryTimeMs(), 0, stored.priority(), stored.tagHash(),
                            stored.durable());
            ByteBuffer payload;
            try {
                payload = log.read(offset);
            } catch (RuntimeException e) {
                LOG.error("Stream '{}': scheduled message {} cannot be read; it is dropped", name, offset, e);
                log.ack(offset);
                return;
            }
            appender.apply(now, payload).whenComplete((v, error) -> executor.execute(() -> {
                if (error == null) {
                    log.ack(offset);
                } else {
                    // Left in the schedule log: appended again at the next start.
                    LOG.error("Stream '{}': a due scheduled message could not be appended; it is kept and retried "
                            + "at the next start", name, error);
                }
            }));
        });
        arm();
    }

    private void arm() {
        long due = schedule.nextDueMs();
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
}
