package io.wharf.bench;

import io.wharf.broker.Broker;
import io.wharf.broker.config.ConfigLoader;
import io.wharf.store.queue.MessageQueue;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;

/**
 * The end-to-end counterpart of {@link FilterBacklogBench}: a consumer that wants a rare tag against one that reads
 * everything, through a real Wharf broker (started in this JVM on a free port, durable, {@code store.fsync: batch},
 * data in a temporary directory) and real AMQP 1.0 clients (protonj2) over a TCP socket.
 *
 * <pre>
 * ./mvnw -q -B -o install -DskipTests
 * java -Xmx1g -cp bench/target/wharf-bench.jar io.wharf.bench.FilterBacklogAmqpBench [messages=1000000] [body-bytes=200]
 * </pre>
 *
 * <p>The backlog: N durable messages with a data body of B bytes; message i carries the message annotation
 * {@code x-stream-filter-value: rare} when {@code i % 100 == 50} (1%), the others alternately {@code common} and no
 * tag. It is published, pipelined (a window of {@value #PUBLISH_WINDOW} unsettled deliveries per link, each checked
 * {@code accepted}; not timed), to two classic queues {@code fb-all} and {@code fb-rare} and to a stream
 * {@code fb-stream} (a stream through the queue policy {@code -stream$ -> x-queue-type: stream}), all addressed as
 * {@code /queues/<name>}.
 *
 * <p>The broker is then restarted before each of the first four readers, so that each starts from disk as after a
 * broker restart; before the clock starts the bench waits (through the in-process broker) until every queue has
 * recovered, so recovery is not timed. Readers: an unfiltered consumer drains {@code fb-all}, accepting each
 * message; a consumer with the source filter {@code rabbitmq:stream-filter = rare} takes the rare messages of
 * {@code fb-rare} (the rest stays); on the stream, an unfiltered reader and a filtered one, both from offset
 * {@code first} ({@code rabbitmq:stream-offset-spec}); then three more of each on the stream, alternately, without
 * restarts (medians). Every consumer has a credit window of {@value #CREDIT_WINDOW}, decodes each message, checks its
 * tag and accepts it. The timed span runs from the attach until the last expected message is received; afterwards
 * the bench checks that no further message arrives. Counts are verified: the unfiltered run gets all N (of which
 * exactly the rare count are tagged rare), the filtered run exactly the rare messages, each tagged {@code rare};
 * any difference fails the bench. Before any of this, every step runs untimed on a tenth of the backlog with one
 * rare message in ten (JIT warm-up, as in {@link FilterBacklogBench}).
 *
 * <p>CPU is the whole process (broker and client share this JVM) over the timed span. The files were just written,
 * so they are likely in the page cache for every reader alike.
 */
public final class FilterBacklogAmqpBench {

    private static final int CREDIT_WINDOW = 10_000;
    private static final int PUBLISH_WINDOW = 5_000;
    private static final String TAG = "x-stream-filter-value";
    private static final String RARE = "rare";
    private static final long RECEIVE_TIMEOUT_SECONDS = 120;

    private final Path dataDir;
    private final Client client = Client.create();
    private Broker broker;
    private Connection connection;
    /** CPU seconds of the whole process over the last {@link #read}. */
    private double lastCpu;

    private FilterBacklogAmqpBench(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int bodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dataDir = Files.createTempDirectory("wharf-filter-amqp-bench");
        FilterBacklogAmqpBench bench = new FilterBacklogAmqpBench(dataDir);
        try {
            bench.run(messages, bodyBytes);
        } finally {
            bench.stop();
            bench.client.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private void run(int messages, int bodyBytes) throws Exception {
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) 'x');
        start();
        // ---- warm-up (not measured): every step on a tenth of the backlog, one in ten rare, in this same JVM ----
        int warmMessages = Math.max(1000, messages / 10);
        int warmRare = publish(List.of("warm-all", "warm-rare", "warm-stream"), warmMessages, 10, body);
        read("warm-all", false, false, warmMessages, warmRare);
        read("warm-rare", true, false, warmRare, warmRare);
        for (int r = 0; r < 3; r++) {
            read("warm-stream", false, true, warmMessages, warmRare);
            read("warm-stream", true, true, warmRare, warmRare);
        }
        read("warm-rare", false, false, warmMessages - warmRare, 0); // leaves it empty, like warm-all
        System.out.println("warmed up");

        // ---- the backlog ----
        long publishStart = System.nanoTime();
        int rare = publish(List.of("fb-all", "fb-rare", "fb-stream"), messages, 100, body);
        System.out.printf("backlog: %,d messages with a %d-byte body (%,d tagged rare) in fb-all, fb-rare and"
                + " fb-stream, published in %.1f s%n", messages, bodyBytes, rare,
                (System.nanoTime() - publishStart) / 1e9);
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("warm-stream", (long) warmMessages);
        expected.put("fb-all", (long) messages);
        expected.put("fb-rare", (long) messages);
        expected.put("fb-stream", (long) messages);

        // ---- classic queues: each read after a broker restart ----
        restart(expected);
        double classicAll = read("fb-all", false, false, messages, rare);
        double classicAllCpu = lastCpu;
        expected.put("fb-all", 0L);
        restart(expected);
        double classicRare = read("fb-rare", true, false, rare, rare);
        double classicRareCpu = lastCpu;
        expected.put("fb-rare", (long) messages - rare);

        // ---- stream: the first two readers after a restart each, then three more of each without ----
        restart(expected);
        double streamAll = read("fb-stream", false, true, messages, rare);
        double streamAllCpu = lastCpu;
        restart(expected);
        double streamRareCold = read("fb-stream", true, true, rare, rare);
        double streamRareColdCpu = lastCpu;
        double[] allRuns = new double[3];
        double[] allCpu = new double[3];
        double[] rareRuns = new double[3];
        double[] rareCpu = new double[3];
        for (int r = 0; r < 3; r++) {
            allRuns[r] = read("fb-stream", false, true, messages, rare);
            allCpu[r] = lastCpu;
            rareRuns[r] = read("fb-stream", true, true, rare, rare);
            rareCpu[r] = lastCpu;
        }

        System.out.println();
        System.out.println("| queue | unfiltered: whole backlog | filtered on `rare` | filtered / unfiltered |"
                + " CPU: unfiltered | CPU: filtered | CPU ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        row("classic (durable, broker restarted before each)", classicAll, classicRare, classicAllCpu,
                classicRareCpu, messages, rare);
        row("stream (broker restarted before each)", streamAll, streamRareCold, streamAllCpu, streamRareColdCpu,
                messages, rare);
        row("stream (median of 3 more, no restart)", median(allRuns), median(rareRuns), median(allCpu),
                median(rareCpu), messages, rare);
        System.out.printf("(wall time: attach to last expected message received, over AMQP with protonj2, credit"
                + " window %,d, each message decoded and accepted; CPU: the whole process, broker and client, over"
                + " the same span; stream runs: %s unfiltered, %s filtered; load average at the end %.2f on %d"
                + " cores)%n", CREDIT_WINDOW, seconds(allRuns), seconds(rareRuns),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    private void start() throws Exception {
        broker = Broker.start(ConfigLoader.parse("amqp:\n  port: 0\n  host: 127.0.0.1\n"
                + "http:\n  enabled: false\n"
                + "data-dir: " + dataDir + "\n"
                + "store:\n  fsync: batch\n"
                + "queues:\n  policies:\n    - pattern: -stream$\n      arguments: {x-queue-type: stream}\n",
                Map.of()));
        connection = client.connect("127.0.0.1", broker.amqpPort());
        connection.openFuture().get(30, TimeUnit.SECONDS);
    }

    private void stop() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /**
     * Stops and starts the broker on the same data directory; returns once every queue has recovered: each classic
     * queue has run a task after its recovery, and each queue of {@code expected} holds that many messages.
     */
    private void restart(Map<String, Long> expected) throws Exception {
        long begin = System.nanoTime();
        stop();
        start();
        for (MessageQueue q : broker.queues().all()) {
            q.sync().get(10, TimeUnit.MINUTES); // classic queues: runs after the recovery on the queue's thread
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            MessageQueue q = broker.queues().get(e.getKey());
            if (q == null) {
                throw new IllegalStateException("queue '" + e.getKey() + "' is missing after the restart");
            }
            while (q.messageCount() != e.getValue()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("queue '" + e.getKey() + "' holds " + q.messageCount()
                            + " messages after the restart, expected " + e.getValue());
                }
                Thread.sleep(10);
            }
        }
        System.out.printf("broker restarted, queues recovered in %.1f s%n", (System.nanoTime() - begin) / 1e9);
    }

    /**
     * Publishes {@code messages} messages to each queue, message i tagged rare when {@code i % rareEvery ==
     * rareEvery / 2}, the others alternately common and untagged; a window of unsettled deliveries per link, each
     * checked accepted. Returns how many are rare.
     */
    private int publish(List<String> queues, int messages, int rareEvery, byte[] body) throws Exception {
        Message<byte[]> rare = Message.create(body).durable(true).annotation(TAG, RARE);
        Message<byte[]> common = Message.create(body).durable(true).annotation(TAG, "common");
        Message<byte[]> untagged = Message.create(body).durable(true);
        Sender[] senders = new Sender[queues.size()];
        List<ArrayDeque<Tracker>> windows = new java.util.ArrayList<>();
        for (int s = 0; s < senders.length; s++) {
            senders[s] = connection.openSender("/queues/" + queues.get(s));
            senders[s].openFuture().get(30, TimeUnit.SECONDS);
            windows.add(new ArrayDeque<>());
        }
        int rareCount = 0;
        for (int i = 0; i < messages; i++) {
            boolean isRare = i % rareEvery == rareEvery / 2;
            rareCount += isRare ? 1 : 0;
            Message<byte[]> m = isRare ? rare : i % 2 == 0 ? common : untagged;
            for (int s = 0; s < senders.length; s++) {
                ArrayDeque<Tracker> window = windows.get(s);
                if (window.size() >= PUBLISH_WINDOW) {
                    accepted(window.poll());
                }
                window.add(senders[s].send(m));
            }
        }
        for (ArrayDeque<Tracker> window : windows) {
            while (!window.isEmpty()) {
                accepted(window.poll());
            }
        }
        for (Sender s : senders) {
            s.close();
        }
        return rareCount;
    }

    private static void accepted(Tracker tracker) throws Exception {
        tracker.awaitSettlement(2, TimeUnit.MINUTES);
        if (tracker.remoteState() == null || !tracker.remoteState().isAccepted()) {
            throw new IllegalStateException("a published message was not accepted: " + tracker.remoteState());
        }
    }

    /**
     * Attaches a consumer to {@code queue} (filtered on {@code rare} or not; a stream read from {@code first}),
     * receives {@code expected} messages, each decoded and accepted, and returns the seconds from the attach to the
     * last of them. Fails unless the messages are exactly as expected: all rare when filtered, {@code rareExpected}
     * rare among them, none more afterwards.
     */
    private double read(String queue, boolean filtered, boolean stream, int expected, int rareExpected)
            throws Exception {
        ReceiverOptions options = new ReceiverOptions().creditWindow(CREDIT_WINDOW).autoAccept(false);
        if (stream) {
            options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        }
        if (filtered) {
            options.sourceOptions().addFilter("rabbitmq:stream-filter", "rabbitmq:stream-filter", RARE);
        }
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        Receiver receiver = connection.openReceiver("/queues/" + queue, options);
        receiver.openFuture().get(60, TimeUnit.SECONDS);
        if (filtered && (receiver.source().filters() == null
                || !receiver.source().filters().containsKey("rabbitmq:stream-filter"))) {
            throw new IllegalStateException("the broker did not apply the filter on '" + queue + "': "
                    + receiver.source().filters());
        }
        int received = 0;
        int rare = 0;
        while (received < expected) {
            Delivery d = receiver.receive(RECEIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (d == null) {
                throw new IllegalStateException("'" + queue + "' (" + (filtered ? "filtered" : "unfiltered")
                        + "): " + received + " of " + expected + " messages, then nothing for "
                        + RECEIVE_TIMEOUT_SECONDS + " s");
            }
            Object tag = d.message().annotation(TAG);
            if (RARE.equals(tag)) {
                rare++;
            } else if (filtered) {
                throw new IllegalStateException("'" + queue + "': the filtered consumer got a message tagged "
                        + tag);
            }
            d.accept();
            received++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        lastCpu = (processCpuNanos() - cpuStart) / 1e9;
        Delivery extra = receiver.receive(stream ? 1000 : 500, TimeUnit.MILLISECONDS);
        receiver.close();
        if (extra != null) {
            throw new IllegalStateException("'" + queue + "' (" + (filtered ? "filtered" : "unfiltered")
                    + "): a message beyond the expected " + expected + ", tagged " + extra.message().annotation(TAG));
        }
        if (rare != rareExpected) {
            throw new IllegalStateException("'" + queue + "': " + rare + " rare messages, expected " + rareExpected);
        }
        return seconds;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void row(String name, double all, double filtered, double allCpu, double filteredCpu,
            int messages, int rare) {
        System.out.printf("| %s | %.3f s (%,d msgs, %,.0f msg/s) | %.3f s (%,d msgs) | %.2f %% | %.3f s | %.3f s |"
                + " %.2f %% |%n", name, all, messages, messages / all, filtered, rare, 100 * filtered / all, allCpu,
                filteredCpu, 100 * filteredCpu / allCpu);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String seconds(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : " / ").append(String.format("%.3f", v));
        }
        return out + " s";
    }
}
