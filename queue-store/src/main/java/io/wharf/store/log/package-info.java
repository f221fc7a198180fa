/**
 * The write-ahead log: segment files with a sparse index ({@link io.wharf.store.log.SegmentedLog}), the broker's
 * single group-commit writer thread ({@link io.wharf.store.log.LogWriter}), recovery that truncates at the
 * first bad record and reports what it dropped ({@link io.wharf.store.log.RecoveryReport}), and the file-backed
 * {@link io.wharf.store.queue.QueueLog} of classic queues ({@link io.wharf.store.log.FileQueueLog}). The byte
 * layout is drawn in {@link io.wharf.store.log.RecordLayout}. Nothing here knows AMQP: payloads are opaque.
 */
package io.wharf.store.log;
