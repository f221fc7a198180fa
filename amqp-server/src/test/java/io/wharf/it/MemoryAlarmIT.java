package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory alarm driven by a client: a producer fills a transient queue (payloads on the broker's heap) with no
 * consumer. The broker, in its own 256 MB JVM, stops granting credit well before the heap runs out, stays up, and
 * grants credit again once a consumer has drained the queue.
 */
class MemoryAlarmIT {

    private static final int MESSAGE_BYTES = 64 * 1024;
    /** 256 MB heap, watermark 40%: transient payloads may hold 20% (about 51 MB, some 800 messages). */
    private static final int WATERMARK_PERCENT = 40;
    /** The whole heap's worth of messages: reaching it would mean no backpressure at all. */
    private static final int HEAP_WORTH = 256 * 1024 * 1024 / MESSAGE_BYTES;

    @TempDir
    Path dir;

    @Test
    void aTransientBacklogTripsTheAlarmAndCreditReturnsWhenDrained() throws Exception {
        String yaml = "amqp:\n  host: 127.0.0.1\n  port: 0\n  link-credit-window: 50\n"
                + "data-dir: " + dir.resolve("data") + "\n"
                + "limits:\n  memory-high-watermark-percent: " + WATERMARK_PERCENT + "\n";
        try (ForkedBroker broker = ForkedBroker.start(dir, yaml); Client client = Client.create()) {
            Connection connection = client.connect("127.0.0.1", broker.port());
            try (ManagementClient management = new ManagementClient(connection)) {
                assertEquals(201, management.call("PUT", "/queues/transient",
                        Map.of("durable", false, "exclusive", false, "auto_delete", false)).status());
            }
            Sender sender = connection.openSender("/queues/transient");
            byte[] body = new byte[MESSAGE_BYTES];

            // Publish while credit lasts; the alarm is checked once a second, so allow a few seconds of no credit
            // before calling it withheld.
            int accepted = 0;
            while (true) {
                Tracker tracker = trySendWithin(sender, body, Duration.ofSeconds(4));
                if (tracker == null) {
                    break;
                }
                tracker.awaitAccepted(10, SECONDS);
                accepted++;
                assertTrue(accepted < HEAP_WORTH, "a heap's worth of transient messages was accepted: no backpressure");
            }
            assertTrue(broker.process().isAlive(), "the broker died:\n" + broker.output());
            assertTrue(broker.output().contains("producers get no new credit"), broker.output());
            // Credit stays withheld while nothing changes.
            assertEquals(null, trySendWithin(sender, body, Duration.ofSeconds(2)));

            // A consumer drains the queue: the alarm clears and the producer gets credit again.
            Receiver receiver = connection.openReceiver("/queues/transient", new ReceiverOptions().creditWindow(100));
            for (int i = 0; i < accepted; i++) {
                Delivery delivery = receiver.receive(10, SECONDS);
                assertTrue(delivery != null, "message " + i + " of " + accepted + " did not arrive");
                delivery.accept();
            }
            AtomicReference<Tracker> next = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                next.set(sender.trySend(Message.create(body).durable(false)));
                return next.get() != null;
            });
            next.get().awaitAccepted(10, SECONDS);
            assertTrue(broker.process().isAlive());
            connection.close();
        }
    }

    /** The tracker of a send made within {@code max}, or null when no credit came in that time. */
    private static Tracker trySendWithin(Sender sender, byte[] body, Duration max) {
        AtomicReference<Tracker> sent = new AtomicReference<>();
        try {
            await().atMost(max).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                sent.set(sender.trySend(Message.create(body).durable(false)));
                return sent.get() != null;
            });
        } catch (ConditionTimeoutException noCredit) {
            return null;
        }
        return sent.get();
    }
}
