package io.wharf.store.log;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A control operation on a log (truncate, delete, close). An IllegalArgumentException from the task refuses
 * this request only (the task must throw it before changing anything); an IOException fails the log.
 */
class TaskRequest<T> extends LogRequest {

    private final WriterTask<T> task;
    final CompletableFuture<T> future = new CompletableFuture<>();
    private T result;

    TaskRequest(SegmentedLog log, WriterTask<T> task) {
        super(log);
        this.task = task;
    }

    @Override
    void execute(WriterBatch batch) throws IOException {
        try {
            result = task.run(batch);
        } catch (IllegalArgumentException refused) {
            rejection = refused;
        }
    }

    @Override
    void complete() {
        future.complete(result);
    }

    @Override
    void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }
}
