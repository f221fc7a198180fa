package io.wharf.store.log;

import java.util.concurrent.CompletableFuture;

/**
 * What the transaction journal knows about one queue's log at recovery: which of its prepared records belong to a
 * committed transaction and which records a committed transaction acknowledged. {@link FileQueueLog#recover}
 * applies it to the log's own settle state, so that after {@link #reapplied} has completed the journal no longer
 * needs its entries for this queue.
 */
public interface PreparedRecords {

    /** Nothing committed, nothing acknowledged: every prepared record is discarded. */
    PreparedRecords NONE = new PreparedRecords() {
        @Override
        public boolean committed(long offset) {
            return false;
        }

        @Override
        public boolean acked(long offset) {
            return false;
        }

        @Override
        public void reapplied(CompletableFuture<Void> forced) {
        }
    };

    /** The prepared record at {@code offset} belongs to a transaction whose commit is in the journal. */
    boolean committed(long offset);

    /** A committed transaction acknowledged (consumed) the record at {@code offset}. */
    boolean acked(long offset);

    /** The log has copied what it learned into its own settle state; {@code forced} completes once that is on disk. */
    void reapplied(CompletableFuture<Void> forced);
}
