package io.wharf.store.log;

import io.wharf.store.queue.MessageHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** One record to append; completes with its offset. */
final class AppendRequest extends LogRequest {

    final MessageHeader header;
    /** The caller's bytes (a duplicate: the caller's position is not moved). */
    final ByteBuffer payload;
    final boolean force;
    /** A transaction's message before its commit ({@link RecordLayout#FLAG_PREPARED}). */
    final boolean prepared;
    final CompletableFuture<Long> future = new CompletableFuture<>();
    long offset;

    AppendRequest(SegmentedLog log, MessageHeader header, ByteBuffer payload, boolean force) {
        this(log, header, payload, force, false);
    }

    AppendRequest(SegmentedLog log, MessageHeader header, ByteBuffer payload, boolean force, boolean prepared) {
        super(log);
        this.prepared = prepared;
        this.header = header;
        this.payload = payload;
        this.force = force;
    }

    @Override
    void execute(WriterBatch batch) throws IOException {
        log.appendOnWriter(this, batch);
    }

    @Override
    boolean awaitsForce() {
        return force && log.writer().fsyncPolicy().kind() == FsyncPolicy.Kind.BATCH;
    }

    @Override
    void complete() {
        future.complete(offset);
    }

    @Override
    void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }
}
