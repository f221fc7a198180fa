package io.wharf.store.log;

import io.wharf.store.queue.MessageHeader;

/** Receives the live records of {@link FileQueueLog#recover}, in offset order. */
@FunctionalInterface
public interface LiveRecordVisitor {

    /**
     * @param offset          the record's offset (the message id)
     * @param header          the fixed header stored with the record
     * @param deliveredBefore the record was handed to a consumer before the restart and not settled
     */
    void visit(long offset, MessageHeader header, boolean deliveredBefore);
}
