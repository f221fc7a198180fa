package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Where a queue keeps its message bytes: the seam between the queue logic and storage (memory now, the
 * segmented write-ahead log next, a replicated log later).
 */
public interface QueueLog {

    /**
     * Appends one record. The future completes with the record's offset (offsets grow by one per record) once
     * the record is readable, and when {@code force} is true only once it is on disk.
     */
    CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force);

    /**
     * Appends a message of a transaction that has not committed yet, forced. A log that survives restarts keeps
     * it after one only when {@link #markCommitted} (or the transaction journal) says its transaction committed.
     */
    default CompletableFuture<Long> appendPrepared(MessageHeader header, ByteBuffer payload) {
        return append(header, payload, true);
    }

    /** The prepared record at {@code offset} belongs to a committed transaction. */
    default void markCommitted(long offset) {
    }

    /** Completes once everything submitted before (records, acks, marks) is durable. */
    default CompletableFuture<Void> sync() {
        return CompletableFuture.completedFuture(null);
    }

    /** The payload of a live record, read-only. */
    ByteBuffer read(long offset);

    /**
     * The fixed header stored with the live record at {@code offset}, or null when this log does not keep headers
     * (a memory log).
     */
    default MessageHeader header(long offset) {
        return null;
    }

    /** The record at {@code offset} is no longer needed. */
    void ack(long offset);

    /**
     * The record at {@code offset} was handed to a consumer for the first time. A log that survives restarts
     * remembers it (lazily), so a message unsettled at a crash comes back as a redelivery.
     */
    default void markDelivered(long offset) {
    }

    /**
     * Visits the live records a log found when it was opened (nothing for a log that does not survive restarts),
     * in offset order. Called once, before any other use.
     *
     * @return the number of live records
     */
    default long recover(LiveRecord visitor) {
        return 0;
    }

    /** One record found live at open. */
    @FunctionalInterface
    interface LiveRecord {
        /**
         * @param offset          the record's offset (the message id)
         * @param header          the fixed header stored with the record
         * @param deliveredBefore handed to a consumer before the restart and never settled
         */
        void visit(long offset, MessageHeader header, boolean deliveredBefore);
    }

    CompletableFuture<Void> close();
}
