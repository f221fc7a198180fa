package io.wharf.bench;

import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.MessageHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Append throughput of the write-ahead log with group commit ({@code batch} fsync policy, every record forced),
 * for 1, 4 and 16 producers appending 1 KiB records to one queue's log, next to what the same disk does when
 * this program writes the same batch sizes itself with {@link FileChannel#write} + {@link FileChannel#force}.
 * Each producer keeps {@value #WINDOW} appends in flight, as a publisher with unsettled deliveries does.
 *
 * <pre>
 * java -cp ... io.wharf.bench.LogAppendBench [seconds per case, default 5] [directory, default java.io.tmpdir]
 * </pre>
 *
 * Prints a Markdown table. Runs about 2 x 3 x (seconds + 1) seconds; the files are deleted afterwards.
 */
public final class LogAppendBench {

    private static final int PAYLOAD_BYTES = 1024;
    private static final int WINDOW = 32;
    private static final int[] PRODUCERS = {1, 4, 16};
    private static final int RECORD_OVERHEAD_BYTES = 48;

    private LogAppendBench() {
    }

    record Result(int producers, double msgsPerSecond, double megabytesPerSecond, double forcesPerSecond,
                  double recordsPerForce, double rawMsgsPerSecond, double rawMegabytesPerSecond) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path base = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty(
                "java.io.tmpdir")), "wharf-bench-");
        List<Result> results = new ArrayList<>();
        try {
            for (int producers : PRODUCERS) {
                results.add(runCase(base.resolve("p" + producers), producers, seconds));
            }
        } finally {
            deleteRecursively(base);
        }
        System.out.println();
        System.out.printf("1 KiB records, fsync policy batch (every record forced), %d s per case, %s%n%n", seconds,
                base.getParent());
        System.out.println("| producers | msgs/s | MB/s | forces/s | records per force "
                + "| raw disk msgs/s (same batch) | raw disk MB/s | log / raw |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf("| %d | %,.0f | %.1f | %,.0f | %.1f | %,.0f | %.1f | %.0f %% |%n", r.producers(),
                    r.msgsPerSecond(), r.megabytesPerSecond(), r.forcesPerSecond(), r.recordsPerForce(),
                    r.rawMsgsPerSecond(), r.rawMegabytesPerSecond(), 100 * r.msgsPerSecond() / r.rawMsgsPerSecond());
        }
        System.out.println();
        System.out.println("MB = 10^6 bytes of payload. Raw disk: one thread writes records-per-force x "
                + (PAYLOAD_BYTES + RECORD_OVERHEAD_BYTES) + " bytes with one FileChannel.write, then force(false).");
    }

    private static Result runCase(Path dir, int producers, int seconds) throws Exception {
        long appended;
        long forces;
        double elapsedSeconds;
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults(), writer);
            ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD_BYTES);
            MessageHeader header = MessageHeader.of(true);
            append(log, header, payload, producers, TimeUnit.SECONDS.toNanos(1)); // warm-up
            long forcesBefore = writer.forceCount();
            long start = System.nanoTime();
            appended = append(log, header, payload, producers, TimeUnit.SECONDS.toNanos(seconds));
            elapsedSeconds = (System.nanoTime() - start) / 1e9;
            forces = writer.forceCount() - forcesBefore;
            log.close().join();
        }
        deleteRecursively(dir);
        double recordsPerForce = appended / (double) Math.max(1, forces);
        double rawMsgsPerSecond = rawDisk(dir.resolveSibling(dir.getFileName() + "-raw"),
                (int) Math.max(1, Math.round(recordsPerForce)), seconds);
        double msgsPerSecond = appended / elapsedSeconds;
        return new Result(producers, msgsPerSecond, msgsPerSecond * PAYLOAD_BYTES / 1e6, forces / elapsedSeconds,
                recordsPerForce, rawMsgsPerSecond, rawMsgsPerSecond * PAYLOAD_BYTES / 1e6);
    }

    /** Appends from {@code producers} threads for {@code durationNanos}; answers the appends completed. */
    private static long append(SegmentedLog log, MessageHeader header, ByteBuffer payload, int producers,
                               long durationNanos) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        long deadline = System.nanoTime() + durationNanos;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread thread = new Thread(() -> {
                Semaphore window = new Semaphore(WINDOW);
                while (System.nanoTime() < deadline) {
                    window.acquireUninterruptibly();
                    log.append(header, payload, true).whenComplete((offset, failure) -> {
                        if (failure == null) {
                            completed.incrementAndGet();
                        }
                        window.release();
                    });
                }
                window.acquireUninterruptibly(WINDOW); // wait for what is in flight
            }, "producer-" + p);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return completed.get();
    }

    /** Writes {@code recordsPerWrite} records per write + force for {@code seconds}; answers records per second. */
    private static double rawDisk(Path dir, int recordsPerWrite, int seconds) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer batch = ByteBuffer.allocateDirect(recordsPerWrite * (PAYLOAD_BYTES + RECORD_OVERHEAD_BYTES));
        long records = 0;
        long start;
        long elapsed;
        try (FileChannel channel = FileChannel.open(dir.resolve("raw.log"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            start = System.nanoTime();
            while (System.nanoTime() < deadline) {
                batch.clear();
                while (batch.hasRemaining()) {
                    channel.write(batch);
                }
                channel.force(false);
                records += recordsPerWrite;
            }
            elapsed = System.nanoTime() - start;
        } finally {
            deleteRecursively(dir);
        }
        return records / (elapsed / 1e9);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
