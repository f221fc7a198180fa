package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link QueueLog} that keeps payloads on the heap: for transient queues and tests. Confined to its queue's
 * thread like the queue itself; "forced" means nothing here, so every append completes at once.
 */
public final class MemoryQueueLog implements QueueLog {

    private final Map<Long, ByteBuffer> payloads = new HashMap<>();
    private long nextOffset;
    private boolean closed;

    @Override
    public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the log is closed"));
        }
        long offset = nextOffset++;
        payloads.put(offset, payload.asReadOnlyBuffer());
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
        payloads.remove(offset);
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        payloads.clear();
        return CompletableFuture.completedFuture(null);
    }
}
