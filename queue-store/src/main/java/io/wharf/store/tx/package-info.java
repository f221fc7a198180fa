/**
 * Transactions across queues and duplicate detection: the broker-wide {@link io.wharf.store.tx.TxJournal} and the
 * {@link io.wharf.store.tx.DedupWindows}. Nothing here knows AMQP; the engine ({@code io.wharf.amqp.engine}
 * {@code Transaction}, {@code TransactionCoordinator}) drives it.
 *
 * <h2>The commit protocol</h2>
 * Every queue has its own log, so "all or nothing across queues" needs one place where a transaction becomes
 * committed. That place is the journal ({@code <data-dir>/tx/journal}, layout in {@code JournalLayout}):
 * <ol>
 *   <li><b>Prepare.</b> Each transactional message is appended to each of its queues' logs as it arrives, forced,
 *       with the record flag {@code FLAG_PREPARED} ({@link io.wharf.store.log.RecordLayout}). The queue keeps it
 *       out of sight. A consumer's outcome inside the transaction is only remembered (the message stays held by
 *       the consumer).</li>
 *   <li><b>Commit point.</b> At {@code discharge(fail=false)}, once every prepare has been forced, one COMMIT
 *       record naming every (queue, offset) enqueued, every (queue, offset) consumed and every duplicate-detection
 *       id is appended to the journal and forced. Only then is the discharge answered {@code accepted}.</li>
 *   <li><b>Apply.</b> Each queue marks its prepared records committed (kind {@code KIND_COMMITTED} in the
 *       segment's {@code .acks} file), makes them visible and applies the acks. When every touched queue has
 *       forced that ({@link io.wharf.store.queue.QueueLog#sync}), a CONFIRM record (not forced) tells the journal
 *       it may forget the commit.</li>
 *   <li><b>Rollback</b> (or no discharge before a crash): the prepared records are acked; the held outcomes are
 *       undone (a consumed message goes back as a failed delivery: delivery-count + 1).</li>
 * </ol>
 * <b>Recovery</b>: the journal is read first (up to its first damaged record: a torn tail was never answered);
 * every COMMIT without a CONFIRM is handed to its queues' logs ({@link io.wharf.store.log.PreparedRecords}) when they
 * open. A prepared record is live only when its segment's ack file marks it committed or the journal names it;
 * otherwise it belongs to a transaction that never committed and is dropped. Consumed offsets the journal names are
 * acked again. Re-applying is idempotent, so a CONFIRM lost in the crash costs nothing. Hence: a transaction that
 * was not committed leaves no trace; one that was committed is entirely there.
 *
 * <h2>Duplicate detection</h2>
 * A queue's window holds the ids of its latest messages (by count and age). A publish reserves its id before it is
 * stored; a message with an id is stored as an implicit one-message transaction, so its id reaches the journal in
 * the same forced COMMIT record that commits the message: after a crash both or neither are there. When the
 * journal passes 4 MiB it is rewritten (temporary file, forced, renamed) with the unconfirmed commits and the ids of
 * every window, so the windows survive restarts without the journal growing without bound.
 *
 * <p>Threads: the journal has one writer thread (group commit: one force per batch); windows are shared by all
 * connection loops, each guarded by its own monitor held only for map operations.
 */
package io.wharf.store.tx;
