package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accepted means durable: a broker JVM killed with SIGKILL while a producer and a consumer run loses no message
 * the producer saw accepted. Each such message was either acknowledged before the crash or is delivered after the
 * restart on the same data directory.
 */
@Timeout(180)
class CrashRecoveryIT {

    private static final int MESSAGES = 50_000;
    private static final int KILL_AFTER_SENT = 25_000;

    @TempDir
    Path dir;

    @Test
    void everyAcceptedMessageSurvivesKillDashNine() throws Exception {
        String yaml = "amqp:\n  host: 127.0.0.1\n  port: 0\ndata-dir: " + dir.resolve("data")
                + "\nstore:\n  fsync: batch\n";
        Tracker[] trackers = new Tracker[MESSAGES];
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Set<Integer> ackedBeforeCrash = ConcurrentHashMap.newKeySet();
        AtomicBoolean producerDone = new AtomicBoolean();

        try (ForkedBroker broker = ForkedBroker.start(dir, yaml); Client client = Client.create()) {
            Connection producerConnection = client.connect("127.0.0.1", broker.port());
            Connection consumerConnection = client.connect("127.0.0.1", broker.port());
            Sender sender = producerConnection.openSender("/queues/crash");
            Receiver receiver = consumerConnection.openReceiver("/queues/crash",
                    new ReceiverOptions().autoAccept(false).creditWindow(200));

            Thread producer = new Thread(() -> {
                byte[] body = new byte[1024];
                try {
                    for (int i = 0; i < MESSAGES; i++) {
                        trackers[i] = sender.send(Message.create(body).durable(true).property("n", i));
                        sent.incrementAndGet();
                    }
                } catch (Exception expectedAtTheCrash) {
                    // the broker died under us
                } finally {
                    producerDone.set(true);
                }
            }, "crash-producer");
            Thread consumer = new Thread(() -> {
                try {
                    while (true) {
                        Delivery delivery = receiver.receive(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                        if (delivery == null) {
                            continue;
                        }
                        int n = ((Number) delivery.message().property("n")).intValue();
                        delivery.accept();
                        ackedBeforeCrash.add(n);
                    }
                } catch (Exception expectedAtTheCrash) {
                    // the broker died under us
                }
            }, "crash-consumer");
            producer.start();
            consumer.start();

            Awaitility.await().atMost(120, SECONDS)
                    .until(() -> sent.get() >= KILL_AFTER_SENT || producerDone.get());
            broker.kill();
            producer.join(30_000);
            consumer.join(30_000);
        }
        // What the producer saw: the broker's settlement of each transfer, as it stood when the broker died.
        Set<Integer> acceptedAtCrash = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            Tracker t = trackers[i];
            if (t != null && t.remoteSettled() && t.remoteState() != null
                    && t.remoteState().getType() == DeliveryState.Type.ACCEPTED) {
                acceptedAtCrash.add(i);
            }
        }
        Set<Integer> ackedAtCrash = Set.copyOf(ackedBeforeCrash);

        Set<Integer> afterRestart = new HashSet<>();
        int redeliveries = 0;
        try (ForkedBroker restarted = ForkedBroker.start(dir, yaml); Client client = Client.create();
             Connection connection = client.connect("127.0.0.1", restarted.port())) {
            Receiver receiver = connection.openReceiver("/queues/crash",
                    new ReceiverOptions().autoAccept(false).creditWindow(500));
            Delivery delivery;
            while ((delivery = receiver.receive(3, SECONDS)) != null) {
                int n = ((Number) delivery.message().property("n")).intValue();
                afterRestart.add(n);
                if (delivery.message().deliveryCount() > 0 || !delivery.message().firstAcquirer()) {
                    redeliveries++;
                }
                delivery.accept();
            }
            assertTrue(restarted.output().contains("Recovering 1 durable queues"), restarted.output());
        }

        Set<Integer> lost = new HashSet<>(acceptedAtCrash);
        lost.removeAll(ackedAtCrash);
        lost.removeAll(afterRestart);
        System.out.printf("crash test: %d accepted before kill -9, %d acked before it, %d delivered after restart"
                        + " (%d of them redeliveries of messages handed out before the crash), %d lost%n",
                acceptedAtCrash.size(), ackedAtCrash.size(), afterRestart.size(), redeliveries, lost.size());
        assertTrue(acceptedAtCrash.size() >= 1_000, "the crash came too early to prove anything");
        assertEquals(Set.of(), lost, "accepted messages lost in the crash");
    }
}
