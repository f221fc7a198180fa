package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Test fixture: a {@link MemoryQueueLog} behind the four abstract {@link QueueLog} methods; tests override some. */
abstract class ForwardingQueueLog implements QueueLog {

    final MemoryQueueLog log = new MemoryQueueLog();

    @Override
    public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force) {
        return log.append(header, payload, force);
    }

    @Override
    public ByteBuffer read(long offset) {
        return log.read(offset);
    }

    @Override
    public void ack(long offset) {
        log.ack(offset);
    }

    @Override
    public CompletableFuture<Void> close() {
        return log.close();
    }
}
