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

    /** The payload of a live record, read-only. */
    ByteBuffer read(long offset);

    /** The record at {@code offset} is no longer needed. */
    void ack(long offset);

    CompletableFuture<Void> close();
}
