package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.util.ResourceLeakDetector;
import io.wharf.amqp.fuzz.FuzzReport;
import io.wharf.amqp.fuzz.LiveFuzz;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Mutated AMQP frames (bit flips, truncations, huge sizes, wrong descriptors, deep nesting, ...) thrown at a
 * running broker over real sockets for a bounded time (wharf.fuzz.live-seconds, default 15), while a
 * well-behaved client publishes and consumes beside them. The broker must keep serving that client, leak no
 * buffer (Netty's leak detector runs at paranoid in the tests) and end with the threads it started with.
 */
@Timeout(180)
class LiveFuzzIT {

    @TempDir
    Path dataDir;

    private static java.util.Set<String> threadNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            names.add(thread.getName() + "#" + thread.getId());
        }
        return names;
    }

    @Test
    void theBrokerSurvivesHostileFramesAndKeepsServingAWellBehavedClient() throws Exception {
        long seconds = Long.getLong("wharf.fuzz.live-seconds", 15);
        long seed = Long.getLong("wharf.fuzz.seed", System.nanoTime());
        Logger leakLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        ListAppender<ILoggingEvent> leaks = new ListAppender<>();
        leaks.start();
        leakLogger.addAppender(leaks);
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "");
             Client client = Client.create()) {
            Connection steady = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user("alice").password("secret"));
            ProtonClientIT.assertRoundTrip(steady, "/queues/steady");
            // A short warm-up first, so pools the broker and the clients start on first use are counted in
            // "before" (queue threads, the channel group's executor, ...).
            LiveFuzz.run("127.0.0.1", broker.port(), 1000, 4, seed - 1);
            java.util.Set<String> threadsBefore = threadNames();

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong roundTrips = new AtomicLong();
            AtomicReference<Throwable> clientFailure = new AtomicReference<>();
            Thread wellBehaved = new Thread(() -> {
                while (running.get()) {
                    try {
                        ProtonClientIT.assertRoundTrip(steady, "/queues/steady");
                        roundTrips.incrementAndGet();
                    } catch (Throwable t) {
                        clientFailure.compareAndSet(null, t);
                        return;
                    }
                }
            }, "well-behaved-client");
            wellBehaved.start();
            FuzzReport report = LiveFuzz.run("127.0.0.1", broker.port(), seconds * 1000, 4, seed);
            running.set(false);
            wellBehaved.join(30_000);
            System.out.println("LiveFuzz seed " + seed + ": " + report + "; well-behaved round trips "
                    + roundTrips.get());

            assertTrue(report.failures().isEmpty(), "seed " + seed + ": " + report);
            assertEquals(null, clientFailure.get(), "the well-behaved client failed during the run");
            assertTrue(roundTrips.get() > 0, "the well-behaved client made no progress");
            assertTrue(report.inputs() > 100, "too few inputs: " + report);

            // Afterwards: a new client is served, the fuzzers' connections are gone with their threads, and
            // buffers the fuzzed connections held were released (paranoid leak detection reports on allocation
            // after a GC).
            try (Connection after = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user("alice").password("secret"))) {
                ProtonClientIT.assertRoundTrip(after, "/queues/after");
            }
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                        () -> threadNames().size() <= threadsBefore.size() + 2);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                java.util.Set<String> now = threadNames();
                now.removeAll(threadsBefore);
                throw new AssertionError("threads started during the run are still there: " + now, e);
            }
            for (int i = 0; i < 3; i++) {
                System.gc();
                ProtonClientIT.assertRoundTrip(steady, "/queues/steady");
            }
            steady.close();
            List<String> leaked;
            synchronized (leaks) {
                leaked = leaks.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("LEAK"))
                        // The detector is JVM-wide: the protonj2 client of this and earlier tests in the same JVM
                        // leaks its own read buffers now and then (TcpTransport); those are not the broker's.
                        .filter(m -> !m.contains("org.apache.qpid.protonj2")).toList();
            }
            assertTrue(leaked.isEmpty(), "buffers leaked: " + leaked);
        } finally {
            leakLogger.detachAppender(leaks);
        }
    }
}
