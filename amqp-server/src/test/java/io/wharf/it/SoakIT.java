package io.wharf.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.SenderOptions;
import org.apache.qpid.protonj2.client.Tracker;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast producer and a ten times slower consumer against a broker JVM with a 256 MB heap (issue 6, bounded to two
 * minutes; longer runs belong in {@code bench/}). The producer sends 4 KiB messages as fast as the broker lets it
 * for {@value #PRODUCE_SECONDS} s; the consumer takes one message for every {@value #SLOWDOWN} the producer got
 * accepted (so it stays ten times slower whatever pace the shared machine allows), then drains the backlog at full
 * speed once the producer stops.
 *
 * <p>Asserted: the broker JVM is alive with no OutOfMemoryError in its output; every message the producer saw
 * accepted is delivered (at least once, by the id in its application properties); the producer ran out of link
 * credit, i.e. its sends had to wait for the broker. The broker runs with a credit window of
 * {@value #CREDIT_WINDOW} and {@code limits.max-inflight-bytes} of 64 messages so that this pacing is visible
 * within a short run. Printed: rates, the backlog peak, time spent waiting for credit, and the broker's heap after
 * GC (from {@code -Xlog:gc}).
 */
@Timeout(value = 120, unit = SECONDS)
class SoakIT {

    private static final int BODY_BYTES = 4096;
    private static final int PRODUCE_SECONDS = 40;
    private static final int SLOWDOWN = 10;
    /** {@code amqp.link-credit-window}: messages a producer may have outstanding before it waits for the broker. */
    private static final int CREDIT_WINDOW = 100;
    /** Broker-wide bytes received but not yet stored before credit is withheld: 64 messages' worth. */
    private static final long MAX_INFLIGHT_BYTES = 64L * BODY_BYTES;
    private static final Pattern HEAP_AFTER_GC = Pattern.compile("->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path dir;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong creditStalls = new AtomicLong();
    private final AtomicLong creditWaitNanos = new AtomicLong();
    private final AtomicLong backlogPeak = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean producing = true;
    private volatile boolean consuming = true;

    /** A sent message and its tracker, or the end marker (tracker null). */
    private record Sent(int id, Tracker tracker) {
    }

    @Test
    void fastProducerSlowConsumerKeepsTheBrokerUpAndLosesNothing() throws Exception {
        String yaml = "amqp:\n  host: 127.0.0.1\n  port: 0\n  link-credit-window: " + CREDIT_WINDOW
                + "\ndata-dir: " + dir.resolve("data")
                + "\nlimits:\n  max-inflight-bytes: " + MAX_INFLIGHT_BYTES + "\n";
        Path gcLog = dir.resolve("gc.log");
        BitSet acceptedIds = new BitSet();
        BitSet receivedIds = new BitSet();
        long[] duplicates = {0};
        long[] slowPhase = new long[2];   // consumed, nanos
        long[] drainPhase = new long[2];  // consumed, nanos
        long producedNanos;

        try (ForkedBroker broker = ForkedBroker.start(dir, yaml, List.of("-Xlog:gc:file=" + gcLog));
             Client client = Client.create()) {
            Connection producerConnection = client.connect("127.0.0.1", broker.port());
            Connection consumerConnection = client.connect("127.0.0.1", broker.port());
            Sender sender = producerConnection.openSender("/queues/soak", new SenderOptions().sendTimeout(60_000));
            Receiver receiver = consumerConnection.openReceiver("/queues/soak",
                    new ReceiverOptions().autoAccept(false).creditWindow(200));
            sender.openFuture().get(10, SECONDS);
            receiver.openFuture().get(10, SECONDS);

            BlockingQueue<Sent> unsettled = new LinkedBlockingQueue<>();
            Thread producer = thread("soak-producer", () -> produce(sender, unsettled));
            Thread settlements = thread("soak-settlements", () -> {
                Sent s;
                while ((s = unsettled.take()).tracker() != null) {
                    s.tracker().awaitSettlement(60, SECONDS);
                    assertTrue(s.tracker().remoteState().isAccepted(),
                            "message " + s.id() + " was not accepted: " + s.tracker().remoteState());
                    acceptedIds.set(s.id());
                    accepted.incrementAndGet();
                }
            });
            Thread consumer = thread("soak-consumer",
                    () -> consume(receiver, receivedIds, duplicates, slowPhase, drainPhase));
            ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
            monitor.scheduleAtFixedRate(
                    () -> backlogPeak.accumulateAndGet(accepted.get() - consumed.get(), Math::max),
                    100, 100, MILLISECONDS);
            try {
                long start = System.nanoTime();
                producer.start();
                settlements.start();
                consumer.start();
                producer.join(SECONDS.toMillis(PRODUCE_SECONDS + 15));
                producedNanos = System.nanoTime() - start;
                settlements.join(60_000);
                assertNoFailure();
                assertFalse(producer.isAlive() || settlements.isAlive(), "the producer did not finish");

                // Everything accepted must come out; the consumer now runs at full speed. On a timeout the
                // assertions below report what is missing.
                try {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> failure.get() != null || consumed.get() >= accepted.get());
                } catch (ConditionTimeoutException e) {
                    System.out.printf("soak: %,d of %,d accepted messages consumed after 60 s of draining%n",
                            consumed.get(), accepted.get());
                }
                consuming = false;
                consumer.join(10_000);
                assertNoFailure();
                assertNull(receiver.receive(500, MILLISECONDS), "more messages than were accepted");
            } finally {
                producing = false;
                consuming = false;
                monitor.shutdownNow();
            }

            assertTrue(broker.process().isAlive(), "the broker JVM died; output:\n" + tail(broker.output()));
            String output = broker.output();
            assertFalse(output.contains("OutOfMemoryError"), "the broker ran out of heap:\n" + tail(output));
            // Netty's default (sampling) leak detector runs in the broker JVM: a leaked buffer per message would show.
            assertFalse(output.contains("LEAK:"), "the broker leaked buffers:\n" + tail(output));

            BitSet lost = (BitSet) acceptedIds.clone();
            lost.andNot(receivedIds);
            double seconds = producedNanos / 1e9;
            long[] heap = heapAfterGc(gcLog);
            System.out.printf("soak: %,d messages of %d bytes accepted in %.1f s: producer %,.0f msg/s (%,.1f MB/s)%n",
                    accepted.get(), BODY_BYTES, seconds, accepted.get() / seconds,
                    accepted.get() * (double) BODY_BYTES / seconds / 1e6);
            System.out.printf("soak: consumer %,.0f msg/s paced (%,d msgs), %,.0f msg/s draining (%,d msgs);"
                            + " backlog peak %,d messages (%,.0f MB)%n",
                    rate(slowPhase), slowPhase[0], rate(drainPhase), drainPhase[0], backlogPeak.get(),
                    backlogPeak.get() * (double) BODY_BYTES / 1e6);
            System.out.printf("soak: producer ran out of credit %,d times, waited %,d ms for it (%.0f%% of its time)"
                            + "; amqp.link-credit-window %d, limits.max-inflight-bytes %,d%n",
                    creditStalls.get(), NANOSECONDS.toMillis(creditWaitNanos.get()),
                    100.0 * creditWaitNanos.get() / producedNanos, CREDIT_WINDOW, MAX_INFLIGHT_BYTES);
            System.out.printf("soak: broker heap after GC: peak %d MB, last %d MB of %d MB (%d GCs); memory alarm"
                            + " raised %d times; broker log: %d WARN, %d ERROR lines; %,d delivered twice; %,d lost%n",
                    heap[0], heap[1], heap[2], heap[3], count(output, "producers get no new credit"),
                    count(output, " WARN "), count(output, " ERROR "), duplicates[0], lost.cardinality());

            assertTrue(accepted.get() > 0, "nothing was accepted");
            assertEquals(0, lost.cardinality(), "accepted but never delivered, e.g. id " + lost.nextSetBit(0));
            assertTrue(creditStalls.get() > 0, "the producer never had to wait for credit");
        }
    }

    private void produce(Sender sender, BlockingQueue<Sent> unsettled) throws Exception {
        byte[] body = new byte[BODY_BYTES];
        long end = System.nanoTime() + SECONDS.toNanos(PRODUCE_SECONDS);
        int id = 0;
        try {
            while (producing && System.nanoTime() < end && failure.get() == null) {
                Message<byte[]> message = Message.create(body).property("id", id);
                Tracker tracker = sender.trySend(message);
                if (tracker == null) {
                    // No credit: the broker is holding this producer back. Wait for it (blocking send).
                    creditStalls.incrementAndGet();
                    long blockedAt = System.nanoTime();
                    tracker = sender.send(message);
                    creditWaitNanos.addAndGet(System.nanoTime() - blockedAt);
                }
                unsettled.put(new Sent(id, tracker));
                sent.incrementAndGet();
                id++;
            }
        } finally {
            unsettled.put(new Sent(-1, null));
        }
    }

    private void consume(Receiver receiver, BitSet receivedIds, long[] duplicates, long[] slowPhase,
            long[] drainPhase) throws Exception {
        long slowStart = System.nanoTime();
        long drainStart = 0;
        long atDrainStart = 0;
        long taken = 0;
        while (consuming && failure.get() == null) {
            boolean slow = producing && drainStart == 0;
            if (!slow && drainStart == 0) {
                drainStart = System.nanoTime();
                atDrainStart = consumed.get();
                slowPhase[0] = atDrainStart;
                slowPhase[1] = drainStart - slowStart;
            }
            if (slow && (taken + 1) * SLOWDOWN > accepted.get()) {
                // Ten times slower: wait until the producer has had ten more messages accepted.
                LockSupport.parkNanos(MILLISECONDS.toNanos(1));
                continue;
            }
            Delivery delivery = receiver.receive(100, MILLISECONDS);
            if (delivery == null) {
                continue;
            }
            taken++;
            int id = (Integer) delivery.message().property("id");
            delivery.accept();
            if (receivedIds.get(id)) {
                duplicates[0]++;
            } else {
                receivedIds.set(id);
                consumed.incrementAndGet();
            }
        }
        drainPhase[0] = consumed.get() - atDrainStart;
        drainPhase[1] = System.nanoTime() - drainStart;
    }

    /** A client thread: a failure is kept for the main thread; the producer's end clears {@link #producing}. */
    private Thread thread(String name, ThrowingRunnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                if (name.equals("soak-producer")) {
                    producing = false;
                }
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void assertNoFailure() {
        Throwable t = failure.get();
        if (t instanceof AssertionError e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError("a client thread failed", t);
        }
    }

    private static double rate(long[] phase) {
        return phase[1] > 0 ? phase[0] / (phase[1] / 1e9) : 0;
    }

    /** Peak and last heap after GC (MB), the heap size (MB) and the number of GCs, from {@code -Xlog:gc}. */
    private static long[] heapAfterGc(Path gcLog) throws IOException {
        long peak = 0;
        long last = 0;
        long size = 0;
        long gcs = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = HEAP_AFTER_GC.matcher(line);
            if (m.find()) {
                last = Long.parseLong(m.group(1));
                size = Long.parseLong(m.group(2));
                peak = Math.max(peak, last);
                gcs++;
            }
        }
        return new long[] {peak, last, size, gcs};
    }

    private static int count(String text, String fragment) {
        int n = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String output) {
        return output.length() > 4_000 ? output.substring(output.length() - 4_000) : output;
    }
}
