package io.wharf.bench;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.queue.ClassicQueue;
import io.wharf.store.queue.DeadLetters;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Scheduled delivery at store level: one durable classic queue on the write-ahead log, as the broker runs it (the
 * queue's thread, the shared timer thread, the log writer), without the network in the way.
 *
 * <p><b>lateness</b>: N messages, each with a delivery time drawn uniformly from a window of {@code spreadS}
 * seconds that opens {@code leadS} seconds after the start (so every message is stored, and forced, before any
 * falls due). A consumer with unlimited credit takes each message as the queue hands it over and records how late
 * it came against its delivery time; it accepts each one. Reports lateness p50 / p99 / p99.9 / max, the heap
 * held while all N were scheduled (after a full GC), and messages stored after their due time (not counted).
 *
 * <p><b>heap</b>: N messages scheduled months ahead (uniform over 90 days); reports the heap they hold after a
 * full GC, per message. The payload stays on disk.
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * java -Xmx1g -cp bench/target/wharf-bench.jar io.wharf.bench.DelayedDeliveryBench lateness [messages=1000000] [bytes=256] [spreadS=60] [leadS=20] [fsync=batch]
 * java -Xmx1g -cp bench/target/wharf-bench.jar io.wharf.bench.DelayedDeliveryBench heap [messages=10000000] [bytes=64]
 * </pre>
 * The log goes to a temporary folder (or {@code -Dwharf.bench.dir}) and is deleted at the end.
 */
public final class DelayedDeliveryBench {

    private static final int IN_FLIGHT = 20_000;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "lateness";
        boolean lateness = mode.equals("lateness");
        if (!lateness && !mode.equals("heap")) {
            System.err.println("usage: DelayedDeliveryBench lateness|heap [messages] [bytes] [spreadS] [leadS] [fsync]");
            System.exit(2);
        }
        long messages = args.length > 1 ? Long.parseLong(args[1]) : lateness ? 1_000_000L : 10_000_000L;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : lateness ? 256 : 64;
        long spreadMs = (args.length > 3 ? Long.parseLong(args[3]) : 60) * 1000;
        long leadMs = (args.length > 4 ? Long.parseLong(args[4]) : 20) * 1000;
        FsyncPolicy fsync = FsyncPolicy.parse(args.length > 5 ? args[5] : lateness ? "batch" : "never");
        Path base = Files.createTempDirectory(Path.of(System.getProperty("wharf.bench.dir",
                System.getProperty("java.io.tmpdir"))), "wharf-delay-bench");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ExecutorService queueThread = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        LogWriter writer = LogWriter.start(fsync);
        try {
            ClassicQueue queue = new ClassicQueue(QueueDefinition.durableClassic("/", "scheduled"),
                    () -> FileQueueLog.open(base.resolve("scheduled"), LogConfig.defaults(), writer), queueThread,
                    timer, DeadLetters.DROP, () -> { });
            queueThread.submit(() -> { }).get();
            long start = System.currentTimeMillis();
            long windowStart = lateness ? start + leadMs : start + TimeUnit.DAYS.toMillis(1);
            long window = lateness ? spreadMs : TimeUnit.DAYS.toMillis(90);
            SplittableRandom random = new SplittableRandom(42);
            // The consumer checks each delivery against its due time, by offset (offset i = i-th message). Drawn
            // before the baseline so the array is not counted as the queue's heap.
            long[] dueByOffset = lateness ? new long[Math.toIntExact(messages)] : null;
            if (lateness) {
                for (int i = 0; i < messages; i++) {
                    dueByOffset[i] = windowStart + random.nextLong(window);
                }
            }
            long before = HeapUse.usedAfterGc(memory);

            ByteBuffer payload = ByteBuffer.allocate(size).asReadOnlyBuffer();
            Semaphore inFlight = new Semaphore(IN_FLIGHT);
            for (long i = 0; i < messages; i++) {
                long due = lateness ? dueByOffset[(int) i] : windowStart + random.nextLong(window);
                inFlight.acquire();
                queue.enqueue(new MessageHeader(0, due, MessageHeader.DEFAULT_PRIORITY, 0, true), payload.duplicate())
                        .whenComplete((v, e) -> inFlight.release());
                if ((i + 1) % 1_000_000 == 0) {
                    System.out.printf("  %,d stored, %.0f msg/s%n", i + 1,
                            (i + 1) / ((System.currentTimeMillis() - start + 1) / 1e3));
                }
            }
            inFlight.acquire(IN_FLIGHT);
            queueThread.submit(() -> { }).get();
            long storedAt = System.currentTimeMillis();
            long scheduled = queue.scheduledCount();
            long late = messages - scheduled;
            long after = HeapUse.usedAfterGc(memory);
            long heldBytes = after - before;
            System.out.printf("stored %,d in %.1f s (fsync %s); scheduled: %,d; heap for them: %.1f MB "
                    + "(%.1f B per message); max heap %d MB%n", messages, (storedAt - start) / 1e3, fsync,
                    scheduled, heldBytes / 1e6, heldBytes / (double) Math.max(1, scheduled),
                    memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
            if (!lateness) {
                System.out.println();
                System.out.println("| scheduled messages | payload | horizon | heap held | bytes per message | max heap |");
                System.out.println("|---:|---:|---:|---:|---:|---:|");
                System.out.printf("| %,d | %d B | 90 days | %.1f MB | %.1f | %d MB |%n", scheduled, size,
                        heldBytes / 1e6, heldBytes / (double) scheduled,
                        memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
                queue.close().get(120, TimeUnit.SECONDS);
                return;
            }
            if (storedAt > windowStart) {
                System.out.printf("warning: storing took past the window start by %d ms; raise leadS%n",
                        storedAt - windowStart);
            }
            LatenessConsumer consumer = new LatenessConsumer(queue, scheduled, dueByOffset);
            queue.addConsumer(consumer);
            queue.addCredit(consumer, Integer.MAX_VALUE);
            long peakHeap = 0;
            while (!consumer.done.await(1, TimeUnit.SECONDS)) {
                peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                if (System.currentTimeMillis() > windowStart + window + 120_000) {
                    System.out.println("gave up: not all messages arrived within 2 minutes after the window");
                    break;
                }
            }
            Histogram h = consumer.lateness;
            System.out.println();
            System.out.println("| messages | spread | payload | fsync | lateness p50 | p99 | p99.9 | max | heap held "
                    + "while scheduled | per message |");
            System.out.println("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| %,d | %d s | %d B | %s | %d ms | %d ms | %d ms | %d ms | %.1f MB | %.1f B |%n",
                    h.getTotalCount(), spreadMs / 1000, size, fsync, h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), heldBytes / 1e6,
                    heldBytes / (double) Math.max(1, scheduled));
            System.out.printf("(early deliveries: %d; stored after their due time, not counted: %d)%n",
                    consumer.early, late);
            queue.close().get(120, TimeUnit.SECONDS);
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

    /** Records lateness against each message's delivery time; runs on the queue's thread. */
    private static final class LatenessConsumer implements QueueConsumer {

        final Histogram lateness = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        final CountDownLatch done = new CountDownLatch(1);
        final ClassicQueue queue;
        final long expected;
        final long[] dueByOffset;
        long received;
        long early;

        LatenessConsumer(ClassicQueue queue, long expected, long[] dueByOffset) {
            this.queue = queue;
            this.expected = expected;
            this.dueByOffset = dueByOffset;
        }

        @Override
        public void deliver(QueueDelivery delivery) {
            long now = System.currentTimeMillis();
            long due = dueByOffset[(int) delivery.messageId()];
            if (now < due) {
                early++;
            }
            lateness.recordValue(Math.max(0, now - due));
            queue.settle(this, delivery.messageId(), Outcome.ACCEPTED);
            if (++received == expected) {
                done.countDown();
            }
        }

        @Override
        public void drained(int unusedCredit) {
        }
    }
}
