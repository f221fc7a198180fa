package io.wharf.broker.config;

import io.wharf.store.log.FsyncPolicy;

/**
 * Durable storage (yaml section {@code store}).
 *
 * @param fsync              {@code store.fsync}: {@code batch} (default: group commit, a durable message is
 *                           accepted only after its batch is forced), {@code interval:<ms>} or {@code never}
 * @param segmentSizeBytes   {@code store.segment-size-bytes}: a queue log rolls to a new segment file at this
 *                           size (default 67108864 = 64 MiB, min 65536)
 * @param minFreeDiskBytes   {@code store.min-free-disk-bytes}: below this much free space on the data
 *                           directory's disk, publishes are refused with amqp:resource-limit-exceeded while
 *                           consumers keep draining (default 52428800 = 50 MiB, as RabbitMQ's disk_free_limit)
 * @param dedupWindowSize    {@code store.dedup-window-size}: duplicate-detection ids a queue remembers
 *                           (default 20000, as Artemis' id-cache-size; queue argument {@code x-dedup-window-size})
 * @param dedupWindowSeconds {@code store.dedup-window-seconds}: how long an id is remembered, 0 = until pushed out
 *                           by the size (default 0; queue argument {@code x-dedup-window-seconds})
 */
public record StoreConfig(FsyncPolicy fsync, int segmentSizeBytes, long minFreeDiskBytes, int dedupWindowSize,
        long dedupWindowSeconds) {
}
