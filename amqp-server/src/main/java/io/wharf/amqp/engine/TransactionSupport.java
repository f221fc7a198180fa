package io.wharf.amqp.engine;

import io.wharf.store.tx.DedupWindows;
import io.wharf.store.tx.TxJournal;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What transactions and duplicate detection share across connections: the journal (commits, dedup windows), the
 * default window limits, and the counter behind AMQP transaction ids.
 *
 * @param journal       the broker-wide transaction journal
 * @param defaultLimits the window of a queue without {@code x-dedup-window-*} arguments
 * @param txnIds        source of the {@code txn-id}s handed out by {@code declared}
 */
public record TransactionSupport(TxJournal journal, DedupWindows.Limits defaultLimits, AtomicLong txnIds) {
}
