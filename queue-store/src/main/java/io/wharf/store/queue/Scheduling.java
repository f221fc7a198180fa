package io.wharf.store.queue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queue that holds scheduled messages: stored on arrival, visible to consumers from their delivery time on
 * ({@link MessageHeader#deliveryTimeMs()}). What management sees of them. Every method posts to the queue's
 * thread and returns at once.
 */
public interface Scheduling {

    /** Messages stored but not yet due. Safe from any thread (may lag). */
    long scheduledCount();

    /**
     * Up to {@code limit} scheduled messages in due-time order, starting after the position {@code after}
     * ({@link Position#START} for the first page; the last returned message's position for the next).
     */
    CompletableFuture<List<ScheduledMessage>> scheduled(Position after, int limit);

    /**
     * Cancels the scheduled message(s) with this message-id: removed from the queue and the log, never delivered.
     * Completes with how many were cancelled (0 when none is scheduled under that id: unknown, or due already).
     */
    CompletableFuture<Integer> cancelScheduled(String messageId);

    /** A place in the (due time, offset) order of scheduled messages. */
    record Position(long dueMs, long offset) {
        public static final Position START = new Position(Long.MIN_VALUE, Long.MIN_VALUE);

        public static Position of(ScheduledMessage message) {
            return new Position(message.dueMs(), message.offset());
        }
    }
}
