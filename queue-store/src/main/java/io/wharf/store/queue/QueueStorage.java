package io.wharf.store.queue;

/**
 * Where queues keep their logs, and what the storage does when a queue comes or goes. The broker supplies one:
 * on disk with the metadata store behind it, or in memory.
 */
public interface QueueStorage {

    /** Storage that keeps nothing across restarts. */
    QueueStorage MEMORY = queueName -> new MemoryQueueLog();

    /** Opens the log of a durable queue. Runs on the queue's own thread and may touch the disk. */
    QueueLog open(String queueName) throws Exception;

    /**
     * Opens the retained log of a stream, with {@code segmentSizeBytes} segments (-1: the broker's size). Runs on
     * the stream's own thread and may touch the disk. Storage that keeps nothing across restarts has no streams.
     */
    default io.wharf.store.log.SegmentedLog openStream(String queueName, int segmentSizeBytes) throws Exception {
        throw new UnsupportedOperationException("stream queues need disk storage; this broker keeps none");
    }

    /**
     * Opens the log where a stream keeps its scheduled messages until they are due (beside the stream's own log,
     * deleted with it). Runs on the stream's thread and may touch the disk.
     */
    default QueueLog openStreamSchedule(String queueName) throws Exception {
        throw new UnsupportedOperationException("stream queues need disk storage; this broker keeps none");
    }

    /**
     * The stored offsets of a stream's named consumers (name to last settled offset). Runs on the stream's thread
     * when it opens, and may wait for the metadata store.
     */
    default java.util.Map<String, Long> loadStreamOffsets(String queueName) throws Exception {
        return java.util.Map.of();
    }

    /** Stores named consumers' last settled offsets of a stream. Must not block (called on the stream's thread). */
    default void storeStreamOffsets(String queueName, java.util.Map<String, Long> offsets) {
    }

    /** A durable queue was created (not recovered). Called from any thread, also event loops: must not block. */
    default void created(QueueDefinition definition) {
    }

    /**
     * A durable queue was deleted and its log closed: its storage can go. Runs on a store thread, never an event loop.
     * Completes once its definition and files are gone (a queue of the same name may then open its own).
     */
    default java.util.concurrent.CompletableFuture<Void> deleted(String queueName) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
}
