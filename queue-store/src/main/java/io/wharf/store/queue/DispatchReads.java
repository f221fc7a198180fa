package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.function.LongFunction;

/**
 * The log reads of one dispatch round of a queue. A filter judging a message reads it through {@link #apply}; when
 * the message is then handed out, {@link #take} gives the payload just read instead of reading (finding and
 * CRC-checking) the record a second time. One payload is kept, keyed by its offset, and only until the next read,
 * the next take or {@link #forget} (at the end of every round), so nothing read earlier can be handed out: within a
 * round a waiting message is neither acknowledged nor rewritten, and a log record never changes while it is live.
 * Confined to the queue's thread.
 */
final class DispatchReads implements LongFunction<ByteBuffer> {

    private final QueueLog log;
    private long lastOffset = -1;
    private ByteBuffer lastPayload;

    DispatchReads(QueueLog log) {
        this.log = log;
    }

    /** Reads the record at {@code offset} (to judge it) and keeps the payload for a {@link #take} of the same one. */
    @Override
    public ByteBuffer apply(long offset) {
        forget();
        ByteBuffer payload = log.read(offset);
        lastOffset = offset;
        lastPayload = payload;
        return payload;
    }

    /**
     * The payload of the record at {@code offset}, to hand out: the one read last when it is the same record (the
     * caller must not have changed that buffer's position or limit), else read now. Either way nothing stays kept.
     */
    ByteBuffer take(long offset) {
        ByteBuffer kept = offset == lastOffset ? lastPayload : null;
        forget();
        return kept != null ? kept : log.read(offset);
    }

    /** Drops the kept payload. */
    void forget() {
        lastOffset = -1;
        lastPayload = null;
    }
}
