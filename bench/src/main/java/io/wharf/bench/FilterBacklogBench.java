package io.wharf.bench;

import io.wharf.amqp.filter.SourceFilters;
import io.wharf.amqp.filter.TagFilter;
import io.wharf.amqp.message.MessageView;
import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.ClassicQueue;
import io.wharf.store.queue.ConsumerFilter;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.DeadLetters;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.queue.TagHash;
import io.wharf.store.stream.StreamOffset;
import io.wharf.store.stream.StreamOffsetStore;
import io.wharf.store.stream.StreamQueue;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/**
 * A consumer that wants a rare tag, against one that reads everything: a backlog of N AMQP messages (encoded as a
 * client sends them) of which 1% carry {@code x-stream-filter-value: rare} (the others: tag {@code common} or
 * none), on disk in a durable classic queue and in a stream, reopened (recovered) before reading. Store level: the
 * queue's dispatch and the real filter engine ({@link SourceFilters} from a {@code rabbitmq:stream-filter} source
 * filter), no network, so the unfiltered time is a lower bound of what a client would see.
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * java -Xmx512m -cp bench/target/wharf-bench.jar io.wharf.bench.FilterBacklogBench [messages=1000000] [body-bytes=200] [dir]
 * </pre>
 * Classic queue: the same backlog is written to two queues; after a reopen, one consumer drains the first
 * unfiltered, accepting each message; the first queue is closed; after a reopen of the second, a filtered
 * consumer takes its rare messages (the rest stays); {@value #ROUNDS} times, on fresh queues. Stream: one stream,
 * reopened before each of {@value #ROUNDS} unfiltered reads from the first offset and each of {@value #ROUNDS}
 * filtered ones (summaries loaded from the {@code .tags} files), then {@value #ROUNDS} more of each without a
 * reopen (summaries in memory). The table gives the medians. Consumers keep a credit window of
 * {@value #CREDIT_WINDOW}. The files were just written, so they are likely in the page cache for every reader alike.
 */
public final class FilterBacklogBench {

    private static final int CREDIT_WINDOW = 10_000;
    /** Reads of each kind measured; the table shows their medians. */
    private static final int ROUNDS = 3;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /** CPU seconds (queue thread + log writer thread) of the last {@link #consume}. */
    private static double lastCpu;
    /** Minor page faults of the whole process during the last {@link #consume} (-1 where /proc is missing). */
    private static long lastFaults;
    private static long[] workerIds = new long[0];
    private static final Symbol TAG = Symbol.valueOf(TagFilter.ANNOTATION);

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path base = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of(
                System.getProperty("java.io.tmpdir")), "wharf-filter-bench");
        ByteBuffer rare = encode("rare", bodyBytes);
        ByteBuffer common = encode("common", bodyBytes);
        ByteBuffer untagged = encode(null, bodyBytes);
        int rareCount = rareIn(messages, 100);
        ExecutorService queueThread = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        ConsumerFilter wantsRare = SourceFilters.read(Map.of(Symbol.valueOf("rabbitmq:stream-filter"), "rare"));
        long queueThreadId = queueThread.submit(() -> Thread.currentThread().getId()).get();
        long writerThreadId = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("wharf-log-writer")).mapToLong(Thread::getId).findFirst().orElse(-1);
        workerIds = new long[] {queueThreadId, writerThreadId};
        try {
            System.out.printf("backlog: %,d messages of %d bytes (%,d tagged rare), fsync never, %s%n", messages,
                    rare.remaining(), rareCount, base);
            LogConfig config = LogConfig.defaults();
            // ---- warm-up (not measured): the same steps on a tenth of the backlog, so the JIT has compiled the
            // filtered and unfiltered paths alike before either is timed (as in a broker that has been running) ----
            int warmMessages = Math.max(1000, messages / 10);
            // Reopened before reading, as below, and with small segments so that the warm stream, too, is read
            // from sealed segments and from the active one.
            LogConfig warmConfig = new LogConfig(4 * 1024 * 1024, config.indexIntervalBytes());
            // Classic: one in ten is rare, twice over, so the filtered path runs twice as often as when measured.
            for (int round = 0; round < 2; round++) {
                ClassicQueue[] warm = {classic("warm-all", base, warmConfig, writer, queueThread, timer),
                    classic("warm-rare", base, warmConfig, writer, queueThread, timer)};
                fill(warm, warmMessages, 10, rare, common, untagged);
                for (MessageQueue q : warm) {
                    q.close().get(60, TimeUnit.SECONDS);
                }
                warm = new ClassicQueue[] {classic("warm-all", base, warmConfig, writer, queueThread, timer),
                    classic("warm-rare", base, warmConfig, writer, queueThread, timer)};
                consume(warm[0], ConsumerOptions.DEFAULT, warmMessages, true, queueThread);
                consume(warm[1], ConsumerOptions.DEFAULT.withFilter(wantsRare), rareIn(warmMessages, 10), true,
                        queueThread);
                for (MessageQueue q : warm) {
                    q.close().get(60, TimeUnit.SECONDS);
                }
            }
            // Stream: one in a hundred is rare, as measured (so its sealed segments list the tag, as measured),
            // read ten times over; part of it in the active segment.
            java.util.function.Supplier<StreamQueue> openWarmStream = () -> new StreamQueue(new QueueDefinition("/",
                    "warm-stream", "stream", true, false, false, Map.of()),
                    () -> SegmentedLog.open(base.resolve("warm-stream"), warmConfig, writer), queueThread, timer,
                    StreamOffsetStore.NONE);
            StreamQueue warmStream = openWarmStream.get();
            fill(new MessageQueue[] {warmStream}, warmMessages, 100, rare, common, untagged);
            warmStream.close().get(60, TimeUnit.SECONDS);
            warmStream = openWarmStream.get();
            fill(new MessageQueue[] {warmStream}, warmMessages / 10, 100, rare, common, untagged);
            int warmStreamRare = rareIn(warmMessages, 100) + rareIn(warmMessages / 10, 100);
            int warmStreamMessages = warmMessages + warmMessages / 10;
            for (int r = 0; r < 10; r++) {
                consume(warmStream, new ConsumerOptions(0, false, StreamOffset.FIRST), warmStreamMessages, false,
                        queueThread);
                consume(warmStream, new ConsumerOptions(0, false, StreamOffset.FIRST).withFilter(wantsRare),
                        warmStreamRare, false, queueThread);
            }
            warmStream.close().get(60, TimeUnit.SECONDS);
            System.out.println("warmed up");
            // ---- classic queues: the same backlog in two queues, each read after a reopen, alone; three times ----
            Runs classicAll = new Runs();
            Runs classicRare = new Runs();
            for (int r = 0; r < ROUNDS; r++) {
                ClassicQueue[] queues = {classic("all-" + r, base, config, writer, queueThread, timer),
                    classic("rare-" + r, base, config, writer, queueThread, timer)};
                fill(queues, messages, 100, rare, common, untagged);
                for (MessageQueue q : queues) {
                    q.close().get(60, TimeUnit.SECONDS);
                }
                ClassicQueue all = classic("all-" + r, base, config, writer, queueThread, timer);
                classicAll.add(consume(all, ConsumerOptions.DEFAULT, messages, true, queueThread));
                all.close().get(60, TimeUnit.SECONDS);
                ClassicQueue onlyRare = classic("rare-" + r, base, config, writer, queueThread, timer);
                classicRare.add(consume(onlyRare, ConsumerOptions.DEFAULT.withFilter(wantsRare), rareCount, true,
                        queueThread));
                onlyRare.close().get(60, TimeUnit.SECONDS);
            }
            // ---- stream: one backlog, reopened before each of three unfiltered and three filtered reads, then
            // three more of each without reopening (summaries in memory) ----
            StreamQueue stream = stream(base, config, writer, queueThread, timer);
            fill(new MessageQueue[] {stream}, messages, 100, rare, common, untagged);
            stream.close().get(60, TimeUnit.SECONDS);
            ConsumerOptions first = new ConsumerOptions(0, false, StreamOffset.FIRST);
            Runs streamAllCold = new Runs();
            Runs streamRareCold = new Runs();
            for (int r = 0; r < ROUNDS; r++) {
                stream = stream(base, config, writer, queueThread, timer);
                streamAllCold.add(consume(stream, first, messages, false, queueThread));
                stream.close().get(60, TimeUnit.SECONDS);
                stream = stream(base, config, writer, queueThread, timer);
                streamRareCold.add(consume(stream, first.withFilter(wantsRare), rareCount, false, queueThread));
                stream.close().get(60, TimeUnit.SECONDS);
            }
            Runs streamAll = new Runs();
            Runs streamRare = new Runs();
            stream = stream(base, config, writer, queueThread, timer);
            for (int r = 0; r < ROUNDS; r++) {
                streamAll.add(consume(stream, first, messages, false, queueThread));
                streamRare.add(consume(stream, first.withFilter(wantsRare), rareCount, false, queueThread));
            }
            stream.close().get(60, TimeUnit.SECONDS);

            System.out.println();
            System.out.println("Medians of " + ROUNDS + " reads each:");
            System.out.println();
            System.out.println("| queue | unfiltered: whole backlog | filtered on `rare` | filtered / unfiltered |"
                    + " CPU: unfiltered | CPU: filtered | CPU ratio | minor page faults: unfiltered / filtered |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            row("classic (durable, reopened)", classicAll, classicRare, messages, rareCount);
            row("stream (reopened; summaries from .tags files)", streamAllCold, streamRareCold, messages, rareCount);
            row("stream (summaries in memory)", streamAll, streamRare, messages, rareCount);
            System.out.println();
            System.out.printf("Each read, filtered / unfiltered wall: classic %s; stream reopened %s; stream in memory"
                    + " %s%n", classicRare.ratios(classicAll), streamRareCold.ratios(streamAllCold),
                    streamRare.ratios(streamAll));
            System.out.printf("(wall time: first delivery asked for to last delivery received; CPU: the queue thread"
                    + " and the log writer thread over the same span; load average at the end %.1f on %d cores)%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
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

    /** Wall seconds, CPU seconds and minor faults of the reads of one kind. */
    private static final class Runs {
        final double[] wall = new double[ROUNDS];
        final double[] cpu = new double[ROUNDS];
        final double[] faults = new double[ROUNDS];
        int n;

        /** Records a read that took {@code seconds}, with the CPU and faults {@link #consume} noted. */
        void add(double seconds) {
            wall[n] = seconds;
            cpu[n] = lastCpu;
            faults[n] = lastFaults;
            n++;
        }

        String ratios(Runs unfiltered) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                out.append(i == 0 ? "" : " / ").append(String.format("%.2f %%", 100 * wall[i] / unfiltered.wall[i]));
            }
            return out.toString();
        }
    }

    private static void row(String name, Runs all, Runs filtered, int messages, int rare) {
        double wallAll = median(all.wall);
        double wallFiltered = median(filtered.wall);
        double cpuAll = median(all.cpu);
        double cpuFiltered = median(filtered.cpu);
        System.out.printf("| %s | %.3f s (%,d msgs, %,.0f msg/s) | %.3f s (%,d msgs) | %.2f %% | %.3f s | %.3f s |"
                + " %.2f %% | %.0f / %.0f |%n", name, wallAll, messages, messages / wallAll, wallFiltered, rare,
                100 * wallFiltered / wallAll, cpuAll, cpuFiltered, 100 * cpuFiltered / cpuAll, median(all.faults),
                median(filtered.faults));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The process's minor page faults so far (field 10 of /proc/self/stat), or -1. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long cpuNanos() {
        long total = 0;
        for (long id : workerIds) {
            long t = id < 0 ? -1 : THREADS.getThreadCpuTime(id);
            total += Math.max(0, t);
        }
        return total;
    }

    private static ClassicQueue classic(String name, Path base, LogConfig config, LogWriter writer,
            ExecutorService thread, ScheduledExecutorService timer) {
        return new ClassicQueue(QueueDefinition.durableClassic("/", name),
                () -> FileQueueLog.open(base.resolve(name), config, writer), thread, timer, DeadLetters.DROP,
                () -> { });
    }

    private static StreamQueue stream(Path base, LogConfig config, LogWriter writer, ExecutorService thread,
            ScheduledExecutorService timer) {
        return new StreamQueue(new QueueDefinition("/", "stream", "stream", true, false, false, Map.of()),
                () -> SegmentedLog.open(base.resolve("stream"), config, writer), thread, timer,
                StreamOffsetStore.NONE);
    }

    /** One AMQP message as a client encodes it: the tag annotation (if any) and a data body. */
    private static ByteBuffer encode(String tag, int bodyBytes) {
        Message m = Message.Factory.create();
        m.setDurable(true);
        if (tag != null) {
            m.setMessageAnnotations(new MessageAnnotations(Map.of(TAG, tag)));
        }
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        m.setBody(new Data(new Binary(body)));
        byte[] out = new byte[bodyBytes + 256];
        int n = m.encode(out, 0, out.length);
        return ByteBuffer.wrap(Arrays.copyOf(out, n)).asReadOnlyBuffer();
    }

    /** How many of {@code messages} {@link #fill} makes rare with {@code rareEvery}. */
    private static int rareIn(int messages, int rareEvery) {
        return messages <= rareEvery / 2 ? 0 : (messages - rareEvery / 2 - 1) / rareEvery + 1;
    }

    /** Message i of the backlog: 1 in {@code rareEvery} rare, the others alternately common and untagged. */
    private static void fill(MessageQueue[] queues, int messages, int rareEvery, ByteBuffer rare, ByteBuffer common,
            ByteBuffer untagged) throws Exception {
        MessageHeader rareHeader = header(rare);
        MessageHeader commonHeader = header(common);
        MessageHeader untaggedHeader = header(untagged);
        Semaphore inFlight = new Semaphore(20_000);
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            boolean isRare = i % rareEvery == rareEvery / 2;
            ByteBuffer payload = isRare ? rare : i % 2 == 0 ? common : untagged;
            MessageHeader header = isRare ? rareHeader : i % 2 == 0 ? commonHeader : untaggedHeader;
            for (MessageQueue q : queues) {
                inFlight.acquire();
                CompletableFuture<Void> stored = q.enqueue(header, payload.duplicate());
                stored.whenComplete((v, e) -> inFlight.release());
            }
        }
        inFlight.acquire(20_000);
        System.out.printf("filled %d queue(s) in %.1f s%n", queues.length, (System.nanoTime() - start) / 1e9);
    }

    /** The header the broker stores with a message: the tag hash as ProducerLink computes it. */
    private static MessageHeader header(ByteBuffer payload) {
        String tag = TagFilter.tagOf(MessageView.parse(payload));
        return new MessageHeader(0, 0, 4, tag == null ? TagHash.NONE : TagHash.of(tag), true);
    }

    /** Seconds until {@code expected} deliveries arrived (each accepted when {@code settle}), credit kept topped up. */
    private static double consume(MessageQueue queue, ConsumerOptions options, int expected, boolean settle,
            ExecutorService queueThread) throws Exception {
        queueThread.submit(() -> { }).get(); // the queue is open (recovered) before the clock starts
        CompletableFuture<Void> done = new CompletableFuture<>();
        QueueConsumer consumer = new QueueConsumer() {
            int received;

            @Override
            public void deliver(QueueDelivery delivery) {
                received++;
                if (settle) {
                    queue.settle(this, delivery.messageId(), Outcome.ACCEPTED);
                }
                if (received % (CREDIT_WINDOW / 2) == 0) {
                    queue.addCredit(this, CREDIT_WINDOW / 2);
                }
                if (received == expected) {
                    done.complete(null);
                }
            }

            @Override
            public void drained(int unusedCredit) {
            }
        };
        long cpuStart = cpuNanos();
        long faultsStart = minorFaults();
        long start = System.nanoTime();
        queue.addConsumer(consumer, options);
        queue.addCredit(consumer, CREDIT_WINDOW);
        done.get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        lastCpu = (cpuNanos() - cpuStart) / 1e9;
        lastFaults = faultsStart < 0 ? -1 : minorFaults() - faultsStart;
        queue.removeConsumer(consumer);
        return seconds;
    }
}
