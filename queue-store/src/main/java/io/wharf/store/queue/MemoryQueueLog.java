package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link QueueLog} that keeps payloads on the heap: for transient queues and tests. Confined to its queue's
 * thread like the queue itself; "forced" means nothing here, so every append completes at once.
 *
 * <p>The payload bytes all memory logs of this JVM hold are counted in {@link #heldBytes()}: the heap is the
 * JVM's, so the memory alarm weighs them against it.
 */
public final class MemoryQueueLog implements QueueLog {

    private static final LongAdder HELD_BYTES = new LongAdder();

    private final Map<Long, ByteBuffer> payloads = new HashMap<>();
    private long nextOffset;
    private boolean closed;

    /** Payload bytes held on the heap by all memory logs of this JVM. */
    public static long heldBytes() {
        return HELD_BYTES.sum();
    }

    @Override
    public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the log is closed"));
        }
        long offset = nextOffset++;
        payloads.put(offset, payload.asReadOnlyBuffer());
        HELD_BYTES.add(payload.remaining());
        return CompletableFuture.completedFuture(offset);
    }

    @Override
    public ByteBuffer read(long offset) {
        ByteBuffer payload = payloads.get(offset);
        if (payload == null) {
            throw new IllegalArgumentException("no live record at offset " + offset);
        }
        return payload.duplicate();
    }

    @Override
    public void ack(long offset) {
        ByteBuffer removed = payloads.remove(offset);
        if (removed != null) {
            HELD_BYTES.add(-removed.remaining());
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        payloads.values().forEach(p -> HELD_BYTES.add(-p.remaining()));
        payloads.clear();
        return CompletableFuture.completedFuture(null);
    }
}
