package io.wharf.bench;

import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.stream.StreamOffset;
import io.wharf.store.stream.StreamOffsetStore;
import io.wharf.store.stream.StreamQueue;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One consumer replays a stream from offset 0 (store level: the stream queue and its segmented log, no AMQP), next
 * to the raw sequential read speed of the same segment files, and the heap the replay needs: the heap after a full
 * GC before and after, and the peak heap sampled every 50 ms while it runs.
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * java -Xmx128m -cp bench/target/wharf-bench.jar io.wharf.bench.StreamReplayBench [gigabytes=5] [bytes=1024] [dir]
 * </pre>
 * The stream is written with {@code fsync never} and reopened before the reads (so both reads see the same page
 * cache state: whatever of the files the kernel kept); it is deleted at the end. It needs the stream's size of disk.
 */
public final class StreamReplayBench {

    private static final int CREDIT_WINDOW = 10_000;

    public static void main(String[] args) throws Exception {
        double gigabytes = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        Path base = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of(
                System.getProperty("java.io.tmpdir")), "wharf-stream-bench");
        long messages = (long) (gigabytes * 1e9 / size);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ExecutorService queueThread = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        QueueDefinition definition = new QueueDefinition("/", "replay", "stream", true, false, false, Map.of());
        try {
            StreamQueue stream = open(definition, base, writer, queueThread, timer);
            ByteBuffer payload = ByteBuffer.allocate(size).asReadOnlyBuffer();
            MessageHeader header = MessageHeader.of(true);
            Semaphore inFlight = new Semaphore(20_000);
            long fillStart = System.nanoTime();
            for (long i = 0; i < messages; i++) {
                inFlight.acquire();
                stream.enqueue(header, payload.duplicate()).whenComplete((v, e) -> inFlight.release());
            }
            inFlight.acquire(20_000);
            System.out.printf("filled %,d messages of %d B in %.1f s%n", messages, size,
                    (System.nanoTime() - fillStart) / 1e9);
            stream.close().get(60, TimeUnit.SECONDS);

            long rawStart = System.nanoTime();
            long rawBytes = rawRead(base.resolve("replay"));
            double rawSeconds = (System.nanoTime() - rawStart) / 1e9;

            stream = open(definition, base, writer, queueThread, timer);
            long before = HeapUse.usedAfterGc(memory);
            AtomicLong peak = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                    0, 50, TimeUnit.MILLISECONDS);
            Replayer replayer = new Replayer(stream, messages);
            long replayStart = System.nanoTime();
            stream.addConsumer(replayer, new ConsumerOptions(0, false, StreamOffset.FIRST));
            stream.addCredit(replayer, CREDIT_WINDOW);
            replayer.done.await();
            double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
            sampler.shutdownNow();
            long after = HeapUse.usedAfterGc(memory);

            System.out.println();
            System.out.println("| stream | replay msg/s | replay MB/s | raw file read MB/s | heap before / after"
                    + " (after GC) | peak heap during replay | max heap |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf("| %.2f GB, %,d x %d B | %,.0f | %,.0f | %,.0f | %.1f / %.1f MB | %.1f MB | %d MB |%n",
                    rawBytes / 1e9, replayer.count, size, replayer.count / replaySeconds,
                    replayer.bytes / 1e6 / replaySeconds, rawBytes / 1e6 / rawSeconds, before / 1e6, after / 1e6,
                    peak.get() / 1e6, memory.getHeapMemoryUsage().getMax() / (1024 * 1024));
            stream.close().get(60, TimeUnit.SECONDS);
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

    private static StreamQueue open(QueueDefinition definition, Path base, LogWriter writer,
            ExecutorService queueThread, ScheduledExecutorService timer) throws Exception {
        StreamQueue stream = new StreamQueue(definition,
                () -> SegmentedLog.open(base.resolve("replay"), LogConfig.defaults(), writer), queueThread, timer,
                StreamOffsetStore.NONE);
        queueThread.submit(() -> { }).get();
        return stream;
    }

    /** Reads every segment file front to back through one 1 MB direct buffer; answers the bytes read. */
    private static long rawRead(Path dir) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long total = 0;
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        for (Path segment : segments) {
            try (FileChannel channel = FileChannel.open(segment)) {
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    total += n;
                }
            }
        }
        return total;
    }

    /** Counts what it is given and tops up its credit every half window; runs on the queue thread. */
    private static final class Replayer implements QueueConsumer {
        final StreamQueue stream;
        final long expected;
        final CountDownLatch done = new CountDownLatch(1);
        long count;
        long bytes;
        int sinceGrant;

        Replayer(StreamQueue stream, long expected) {
            this.stream = stream;
            this.expected = expected;
        }

        @Override
        public void deliver(QueueDelivery delivery) {
            count++;
            bytes += delivery.payload().remaining();
            if (++sinceGrant == CREDIT_WINDOW / 2) {
                sinceGrant = 0;
                stream.addCredit(this, CREDIT_WINDOW / 2);
            }
            if (count == expected) {
                done.countDown();
            }
        }

        @Override
        public void drained(int unusedCredit) {
        }
    }
}
