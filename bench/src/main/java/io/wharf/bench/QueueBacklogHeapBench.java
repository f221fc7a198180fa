package io.wharf.bench;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.queue.ClassicQueue;
import io.wharf.store.queue.DeadLetters;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.QueueDefinition;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Heap used by a backlog: N messages of S bytes waiting in one durable classic queue on the write-ahead log.
 * Measures the heap after a full GC before and after filling the queue, and reports bytes per message.
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * java -Xmx1g -cp bench/target/wharf-bench.jar io.wharf.bench.QueueBacklogHeapBench [messages=10000000] [bytes=1024] [dir]
 * </pre>
 * The log is written with {@code fsync never} (the heap does not depend on the policy; it only makes the fill
 * faster) and deleted at the end. It needs messages x (bytes + 48) of free disk.
 */
public final class QueueBacklogHeapBench {

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        Path base = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of(
                System.getProperty("java.io.tmpdir")), "wharf-heap-bench");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ExecutorService queueThread = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        try {
            ClassicQueue queue = new ClassicQueue(QueueDefinition.durableClassic("/", "backlog"),
                    () -> FileQueueLog.open(base.resolve("backlog"), LogConfig.defaults(), writer), queueThread,
                    timer, DeadLetters.DROP, () -> { });
            queueThread.submit(() -> { }).get();
            long before = HeapUse.usedAfterGc(memory);

            ByteBuffer payload = ByteBuffer.allocate(size).asReadOnlyBuffer();
            MessageHeader header = MessageHeader.of(true);
            Semaphore inFlight = new Semaphore(20_000);
            long start = System.nanoTime();
            for (long i = 0; i < messages; i++) {
                inFlight.acquire();
                queue.enqueue(header, payload.duplicate()).whenComplete((v, e) -> inFlight.release());
                if ((i + 1) % 1_000_000 == 0) {
                    System.out.printf("  %,d stored, %.0f msg/s%n", i + 1,
                            (i + 1) / ((System.nanoTime() - start) / 1e9));
                }
            }
            inFlight.acquire(20_000);
            queueThread.submit(() -> { }).get();
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
            long after = HeapUse.usedAfterGc(memory);
            long count = queue.messageCount();
            double perMessage = (after - before) / (double) count;
            System.out.println();
            System.out.println("| messages waiting | message size | heap for the backlog | bytes per message | max heap |");
            System.out.println("|---:|---:|---:|---:|---:|");
            System.out.printf("| %,d | %d B | %.1f MB | %.1f | %d MB |%n", count, size,
                    (after - before) / 1e6, perMessage, memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
            System.out.printf("(filled in %d s; log on disk: %.1f GB)%n", seconds, count * (size + 48.0) / 1e9);
            queue.close().get(60, TimeUnit.SECONDS);
        } finally {
            writer.close();
            queueThread.shutdownNow();
            timer.shutdownNow();
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
