package io.wharf.store.log;

import java.io.IOException;

/**
 * Work for the {@link LogWriter} thread on one log. Requests of one log run in submission order; the writer
 * groups a batch's requests by log ({@link #nextInRun}) so that each log's records go out in one write.
 *
 * <p>Lifecycle: {@link #execute} on the writer thread, then exactly one of {@link #complete} (after the batch's
 * writes, or after the force when {@link #awaitsForce}) or {@link #fail}.
 */
abstract class LogRequest {

    /** The log this request belongs to; null only for the writer's own stop request. */
    final SegmentedLog log;
    /** Next request of the same log in the current batch (writer thread). */
    LogRequest nextInRun;
    /** Set by {@link #execute} when this request alone is refused; the others of the run go on. */
    Throwable rejection;

    LogRequest(SegmentedLog log) {
        this.log = log;
    }

    /** Writer thread. An IOException fails the log (it becomes read-only) and every request of its run. */
    abstract void execute(WriterBatch batch) throws IOException;

    /** True when completion must wait for the batch's force of this log. */
    boolean awaitsForce() {
        return false;
    }

    /** True for the request that closes its log: it runs even on a read-only log, to release the files. */
    boolean closesLog() {
        return false;
    }

    abstract void complete();

    abstract void fail(Throwable cause);
}
