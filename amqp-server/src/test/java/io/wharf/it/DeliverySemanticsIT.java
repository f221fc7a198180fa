package io.wharf.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.queue.MessageQueue;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.DistributionMode;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Rejected;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classic delivery semantics (issue 6) through real clients: Qpid JMS where JMS expresses the feature, the Qpid
 * protonj2 client for explicit outcomes, credit, drain and link properties. Queues get their arguments from
 * {@code queues.policies} (by name prefix, see {@link #POLICIES}). None of these queues has a dead-letter exchange,
 * so every message that leaves by dead-lettering (rejected, expired, max length, delivery limit) must simply be
 * gone.
 *
 * <p>Covered elsewhere and not repeated here: explicit credit, drain of a short queue, first-acquirer and
 * delivery-count on released / modified / rejected, and unsettled deliveries of a closed link going to the next
 * consumer with delivery-count unchanged ({@link ProtonClientIT}); dynamic temporary queues deleted with their link
 * ({@link ProtonClientIT#dynamicReceiverGetsATemporaryQueueDeletedWithTheLink}, JMS temporary queues in
 * {@link JmsBasicIT}); JMS recover with JMSXDeliveryCount ({@link JmsBasicIT#clientAcknowledgeRecoverRedelivers}).
 */
@Timeout(60)
class DeliverySemanticsIT {

    /** How long a receive waits for a message that must arrive. */
    private static final long ARRIVES_MS = 5_000;
    /** How long a receive waits to conclude that nothing more comes (the broker is local). */
    private static final long NOTHING_MORE_MS = 300;

    /** Queue arguments by name prefix; every test uses queues of its own prefix. */
    private static final String POLICIES = """
            queues:
              policies:
                - pattern: ^sac\\.
                  arguments: {x-single-active-consumer: true}
                - pattern: ^backoff\\.
                  arguments: {x-redelivery-delay-ms: 200, x-redelivery-backoff-multiplier: 10, x-redelivery-delay-max-ms: 600}
                - pattern: ^limit\\.
                  arguments: {x-delivery-limit: 2}
                - pattern: ^ttl\\.
                  arguments: {x-message-ttl: 300}
                - pattern: ^expires\\.
                  arguments: {x-expires: 400}
                - pattern: ^maxlen\\.
                  arguments: {x-max-length: 3}
                - pattern: ^full\\.
                  arguments: {x-max-length: 2, x-overflow: reject-publish}
                - pattern: ^maxbytes\\.
                  arguments: {x-max-length-bytes: 2500}
                - pattern: ^fullbytes\\.
                  arguments: {x-max-length-bytes: 2500, x-overflow: reject-publish}
                - pattern: ^prio\\.
                  arguments: {x-max-priority: 10}
            """;

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private Client client;
    private final List<jakarta.jms.Connection> jmsConnections = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, POLICIES);
        client = Client.create();
    }

    @AfterEach
    void stop() throws Exception {
        for (jakarta.jms.Connection connection : jmsConnections) {
            connection.close();
        }
        client.close();
        broker.close();
    }

    // ---- consumer flow: credit, drain, fairness, priority, single active consumer, browsing ----

    @Test
    void jmsPrefetchIsTheLinkCredit() throws Exception {
        jakarta.jms.Connection connection = jms("?jms.prefetchPolicy.all=3");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("prefetch");
        sendText(session, queue, 10);

        // Both consumers on one connection: the broker sees the first one's credit (3) before the second attaches.
        MessageConsumer first = session.createConsumer(queue);
        MessageConsumer second = session.createConsumer(queue);
        // The first consumer never asked for a message, yet holds exactly its prefetch: m0..m2.
        List<String> bySecond = receiveTexts(second, 7);
        assertEquals(texts(3, 10), bySecond, "the second consumer gets what the first did not prefetch");
        assertNull(second.receive(NOTHING_MORE_MS), "the second consumer got a message held by the first");
        assertEquals(texts(0, 3), receiveTexts(first, 3));
        assertNull(first.receiveNoWait());
        assertQueueEmpties("prefetch");
    }

    @Test
    void jmsPrefetchZeroPullsOneMessagePerReceiveWithDrain() throws Exception {
        jakarta.jms.Connection connection = jms("?jms.prefetchPolicy.all=0");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("pull");
        MessageConsumer idle = session.createConsumer(queue);
        MessageConsumer puller = session.createConsumer(queue);
        // A pull on an empty queue: Qpid JMS grants one credit and drains it on timeout; the drain must complete.
        assertNull(puller.receive(200));
        assertNull(puller.receiveNoWait());

        sendText(session, queue, 3);
        // The idle consumer has no credit, so every message waits for the puller's receive calls.
        assertEquals(texts(0, 3), receiveTexts(puller, 3));
        assertNull(idle.receiveNoWait(), "a consumer with prefetch 0 got a message it did not pull");
        assertQueueEmpties("pull");
    }

    @Test
    void drainOnALongQueueDeliversExactlyTheCreditAndLeavesTheRest() throws Exception {
        Connection connection = connect();
        sendAll(connection, "/queues/drain-long", 5);
        Receiver receiver = connection.openReceiver("/queues/drain-long", new ReceiverOptions().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);

        receiver.addCredit(3);
        receiver.drain().get(5, SECONDS);
        assertEquals(3, receiver.queuedDeliveries(), "the drain delivers up to the credit");
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        }
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS), "delivered beyond the drained credit");
        await().until(() -> queue("drain-long").messageCount() == 2);

        receiver.addCredit(10);
        assertEquals("m3", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertEquals("m4", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
    }

    @Test
    void competingConsumersWithEqualCreditShareEvenlyInQueueOrder() throws Exception {
        Connection connection = connect();
        Receiver a = connection.openReceiver("/queues/fair", new ReceiverOptions().creditWindow(0));
        Receiver b = connection.openReceiver("/queues/fair", new ReceiverOptions().creditWindow(0));
        a.openFuture().get(5, SECONDS);
        b.openFuture().get(5, SECONDS);
        int n = 100;
        a.addCredit(n);
        b.addCredit(n);
        // The sender attaches after both credits on the same connection, so the queue knows both consumers first.
        sendAll(connection, "/queues/fair", n);

        List<Integer> byA = drainNumbers(a);
        List<Integer> byB = drainNumbers(b);
        assertEquals(n, byA.size() + byB.size(), "a: " + byA + " b: " + byB);
        assertTrue(Math.abs(byA.size() - byB.size()) <= 2,
                "equal credit should split evenly: " + byA.size() + " / " + byB.size());
        assertSorted(byA);
        assertSorted(byB);
        List<Integer> all = new ArrayList<>(byA);
        all.addAll(byB);
        Collections.sort(all);
        assertEquals(IntStream.range(0, n).boxed().toList(), all);
    }

    @Test
    void higherPriorityConsumerIsServedFirstWhileItHasCredit() throws Exception {
        Connection connection = connect();
        Receiver low = connection.openReceiver("/queues/cprio", new ReceiverOptions().creditWindow(100));
        Receiver high = connection.openReceiver("/queues/cprio", new ReceiverOptions().creditWindow(0)
                .properties(Map.of("rabbitmq:priority", 10)));
        low.openFuture().get(5, SECONDS);
        high.openFuture().get(5, SECONDS);
        high.addCredit(5);
        sendAll(connection, "/queues/cprio", 20);

        // The high-priority consumer takes the first messages up to its credit, although it attached second.
        assertEquals(IntStream.range(0, 5).boxed().toList(), drainNumbers(high));
        assertEquals(IntStream.range(5, 20).boxed().toList(), drainNumbers(low));

        // With credit again it is preferred again.
        high.addCredit(5);
        sendAll(connection, "/queues/cprio", 3);
        assertEquals(List.of(0, 1, 2), drainNumbers(high));
        assertNull(low.receive(NOTHING_MORE_MS, MILLISECONDS));
    }

    @Test
    void singleActiveConsumerGetsEverythingAndFailsOverToTheNext() throws Exception {
        Connection connection = connect();
        Receiver active = connection.openReceiver("/queues/sac.q", manualAccept().creditWindow(100));
        Receiver standby = connection.openReceiver("/queues/sac.q", manualAccept().creditWindow(100));
        active.openFuture().get(5, SECONDS);
        standby.openFuture().get(5, SECONDS);
        sendAll(connection, "/queues/sac.q", 5);

        for (int i = 0; i < 5; i++) {
            Delivery delivery = active.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery, "m" + i + " did not reach the active consumer");
            assertEquals("m" + i, delivery.message().body());
            if (i < 2) {
                delivery.accept();
            }
        }
        assertNull(standby.receive(NOTHING_MORE_MS, MILLISECONDS), "the standby consumer got a message");

        // The active consumer goes with m2..m4 unsettled: the standby one takes over, from m2, in order.
        active.close();
        for (int i = 2; i < 5; i++) {
            Delivery delivery = standby.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery, "m" + i + " was not handed to the new active consumer");
            assertEquals("m" + i, delivery.message().body());
            assertEquals(0, delivery.message().deliveryCount(), "released with its consumer: count unchanged");
            assertFalse(delivery.message().firstAcquirer());
            delivery.accept();
        }
        sendAll(connection, "/queues/sac.q", 1);
        Delivery next = standby.receive(ARRIVES_MS, MILLISECONDS);
        assertNotNull(next);
        assertEquals("m0", next.message().body());
        next.accept();
        assertQueueEmpties("sac.q");
    }

    @Test
    void jmsQueueBrowserSeesEverythingAndConsumesNothing() throws Exception {
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("browse");
        sendText(session, queue, 5);

        for (int pass = 0; pass < 2; pass++) {
            QueueBrowser browser = session.createBrowser(queue);
            List<String> seen = new ArrayList<>();
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                seen.add(((TextMessage) messages.nextElement()).getText());
            }
            browser.close();
            assertEquals(texts(0, 5), seen, "browse pass " + pass);
        }
        awaitCount("browse", 5);

        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 0; i < 5; i++) {
            TextMessage m = (TextMessage) consumer.receive(ARRIVES_MS);
            assertNotNull(m, "m" + i + " missing after browsing");
            assertEquals("m" + i, m.getText());
            assertFalse(m.getJMSRedelivered(), "browsing counted as a delivery");
            assertEquals(1, m.getIntProperty("JMSXDeliveryCount"));
        }
        assertQueueEmpties("browse");
    }

    @Test
    void copyDistributionModeReceiverBrowsesWhileAConsumerStillGetsEverything() throws Exception {
        Connection connection = connect();
        sendAll(connection, "/queues/copy", 3);
        ReceiverOptions browse = manualAccept();
        browse.sourceOptions().distributionMode(DistributionMode.COPY);
        Receiver browser = connection.openReceiver("/queues/copy", browse);
        for (int i = 0; i < 3; i++) {
            Delivery delivery = browser.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery);
            assertEquals("m" + i, delivery.message().body());
        }
        assertNull(browser.receive(NOTHING_MORE_MS, MILLISECONDS), "a browser sees each message once");

        Receiver consumer = connection.openReceiver("/queues/copy");
        assertEquals(List.of(0, 1, 2), drainNumbers(consumer));
        assertQueueEmpties("copy");
    }

    // ---- outcomes ----

    @Test
    void releasedMessagesComeBackInTheirOriginalOrderAheadOfNewerOnes() throws Exception {
        Connection connection = connect();
        sendAll(connection, "/queues/order", 5);
        Receiver receiver = connection.openReceiver("/queues/order", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(3);
        Delivery[] held = new Delivery[3];
        for (int i = 0; i < 3; i++) {
            held[i] = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertEquals("m" + i, held[i].message().body());
        }
        // Released out of order: they still come back as m0, m1, m2, before m3 and m4.
        held[2].release();
        held[0].release();
        held[1].release();
        receiver.addCredit(10);
        for (int i = 0; i < 5; i++) {
            Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery, "m" + i + " missing");
            assertEquals("m" + i, delivery.message().body());
            assertEquals(0, delivery.message().deliveryCount());
            if (i < 3) {
                // (A first delivery goes out as stored, so m3 and m4 carry whatever the producer set.)
                assertFalse(delivery.message().firstAcquirer(), "first-acquirer of the returned m" + i);
            }
            delivery.accept();
        }
        assertQueueEmpties("order");
    }

    @Test
    void modifiedUndeliverableHereDropsTheMessageWithoutADeadLetterExchange() throws Exception {
        Connection connection = connect();
        sendAll(connection, "/queues/undeliverable", 2);
        Receiver receiver = connection.openReceiver("/queues/undeliverable", manualAccept());
        Delivery first = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m0", first.message().body());
        first.modified(true, true);
        Delivery second = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m1", second.message().body());
        second.accept();
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS), "modified{undeliverable-here} came back");
        assertQueueEmpties("undeliverable");
    }

    @Test
    void modifiedAnnotationsAreMergedIntoTheRedelivery() throws Exception {
        Connection connection = connect();
        connection.openSender("/queues/annotate")
                .send(Message.create("a").annotation("x-opt-origin", "producer")).awaitAccepted(5, SECONDS);
        Receiver receiver = connection.openReceiver("/queues/annotate", manualAccept());

        Delivery first = receiver.receive(ARRIVES_MS, MILLISECONDS);
        first.disposition(DeliveryState.modified(true, false,
                Map.of("x-opt-attempt", 1L, "x-opt-reason", "timeout", "not-x", "ignored")), true);
        Delivery second = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertNotNull(second);
        Message<Object> again = second.message();
        assertEquals(1, again.deliveryCount());
        assertEquals("producer", again.annotation("x-opt-origin"), "the producer's annotation is kept");
        assertEquals(1L, again.annotation("x-opt-attempt"));
        assertEquals("timeout", again.annotation("x-opt-reason"));
        assertFalse(again.hasAnnotation("not-x"), "only x- annotations are merged");

        second.disposition(DeliveryState.modified(true, false, Map.of("x-opt-attempt", 2L)), true);
        Message<Object> third = receiver.receive(ARRIVES_MS, MILLISECONDS).message();
        assertEquals(2, third.deliveryCount());
        assertEquals(2L, third.annotation("x-opt-attempt"), "a later modified overrides");
        assertEquals("timeout", third.annotation("x-opt-reason"), "earlier merged annotations stay");
        assertEquals("producer", third.annotation("x-opt-origin"));
    }

    @Test
    void jmsModifiedFailedAcknowledgementRaisesJmsxDeliveryCount() throws Exception {
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("jms-modified");
        sendText(session, queue, 1);
        MessageConsumer consumer = session.createConsumer(queue);

        TextMessage first = (TextMessage) consumer.receive(ARRIVES_MS);
        assertEquals(1, first.getIntProperty("JMSXDeliveryCount"));
        assertFalse(first.getJMSRedelivered());
        // Qpid JMS's per-message outcome: 4 = modified{delivery-failed}, settled at the broker (not a local recover).
        first.setIntProperty("JMS_AMQP_ACK_TYPE", 4);
        first.acknowledge();

        TextMessage again = (TextMessage) consumer.receive(ARRIVES_MS);
        assertNotNull(again, "modified{delivery-failed} should redeliver");
        assertEquals("m0", again.getText());
        assertTrue(again.getJMSRedelivered());
        assertEquals(2, again.getIntProperty("JMSXDeliveryCount"), "header delivery-count 1 -> JMSXDeliveryCount 2");
        again.setIntProperty("JMS_AMQP_ACK_TYPE", 4);
        again.acknowledge();

        TextMessage third = (TextMessage) consumer.receive(ARRIVES_MS);
        assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
        third.acknowledge();
        assertQueueEmpties("jms-modified");
    }

    // ---- delayed redelivery and the delivery limit ----

    @Test
    void modifiedWithDeliveryTimeRedeliversAtThatTimeWithoutHoldingUpTheQueue() throws Exception {
        Connection connection = connect();
        sendAll(connection, "/queues/later", 2);
        Receiver receiver = connection.openReceiver("/queues/later", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(1);
        Delivery first = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m0", first.message().body());

        long dueMs = System.currentTimeMillis() + 3_000;
        first.disposition(DeliveryState.modified(true, false,
                Map.of("x-opt-delivery-time", dueMs, "x-opt-retry-reason", "busy")), true);
        receiver.addCredit(10);
        // m1 is not held up by the delayed m0.
        Delivery second = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m1", second.message().body());
        assertTrue(System.currentTimeMillis() < dueMs, "the test was too slow to see m1 before m0 was due");
        second.accept();

        Delivery later = receiver.receive(10, SECONDS);
        long arrivedMs = System.currentTimeMillis();
        assertNotNull(later, "the delayed message never came back");
        assertTrue(arrivedMs >= dueMs, "redelivered " + (dueMs - arrivedMs) + " ms before x-opt-delivery-time");
        Message<Object> message = later.message();
        assertEquals("m0", message.body());
        assertEquals(1, message.deliveryCount());
        assertFalse(message.firstAcquirer());
        assertEquals("busy", message.annotation("x-opt-retry-reason"));
        later.accept();
        assertQueueEmpties("later");
    }

    @Test
    void queueBackoffDelaysEachRedeliveryMoreUpToItsCap() throws Exception {
        // backoff.*: x-redelivery-delay-ms 200, multiplier 10, max 600 -> delays 200, 600 (capped from 2000), 600.
        Connection connection = connect();
        sendAll(connection, "/queues/backoff.q", 2);
        Receiver receiver = connection.openReceiver("/queues/backoff.q", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(1);
        Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m0", delivery.message().body());

        long[] minimum = {200, 600, 600};
        for (int failure = 0; failure < 3; failure++) {
            long failedAt = System.nanoTime();
            delivery.modified(true, false);
            receiver.addCredit(1);
            if (failure == 0) {
                // The backed-off m0 does not hold up the queue: m1 is delivered meanwhile.
                Delivery other = receiver.receive(ARRIVES_MS, MILLISECONDS);
                assertEquals("m1", other.message().body(), "m1 should pass the backed-off m0");
                other.accept();
                receiver.addCredit(1);
            }
            delivery = receiver.receive(10, SECONDS);
            long waitedMs = (System.nanoTime() - failedAt) / 1_000_000;
            assertNotNull(delivery, "no redelivery after failure " + (failure + 1));
            assertEquals("m0", delivery.message().body());
            assertEquals(failure + 1, delivery.message().deliveryCount());
            // The broker's clock is millisecond-grained: allow it a few ms of rounding, never an early delivery.
            assertTrue(waitedMs >= minimum[failure] - 5,
                    "redelivery " + (failure + 1) + " after " + waitedMs + " ms, backoff says " + minimum[failure]);
            if (failure == 2) {
                // Uncapped this would be 20 s; the cap (600 ms) must apply. Generous bound for a loaded machine.
                assertTrue(waitedMs < 5_000, "x-redelivery-delay-max-ms ignored: waited " + waitedMs + " ms");
            }
        }
        // released is not a failure: delivered again with the count unchanged.
        delivery.release();
        receiver.addCredit(1);
        delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertNotNull(delivery);
        assertEquals(3, delivery.message().deliveryCount());
        delivery.accept();
        assertQueueEmpties("backoff.q");
    }

    @Test
    void deliveryLimitDropsTheMessageAfterTooManyFailuresButNotAfterReleases() throws Exception {
        // limit.*: x-delivery-limit 2, no dead-letter exchange.
        Connection connection = connect();
        sendAll(connection, "/queues/limit.q", 2);
        Receiver receiver = connection.openReceiver("/queues/limit.q", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(1);

        // Releases do not count against the limit.
        for (int i = 0; i < 4; i++) {
            Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertEquals("m0", delivery.message().body());
            assertEquals(0, delivery.message().deliveryCount());
            delivery.release();
            receiver.addCredit(1);
        }
        // Failures do: delivery-count 0, 1, 2 are delivered, the third failure (count 3 > limit 2) drops it.
        for (int count = 0; count <= 2; count++) {
            Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery, "m0 should be delivered with delivery-count " + count);
            assertEquals("m0", delivery.message().body());
            assertEquals(count, delivery.message().deliveryCount());
            delivery.modified(true, false);
            receiver.addCredit(1);
        }
        Delivery next = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertNotNull(next);
        assertEquals("m1", next.message().body(), "m0 should be gone past x-delivery-limit");
        next.accept();
        receiver.addCredit(1);
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS));
        assertQueueEmpties("limit.q");
    }

    // ---- TTL and queue expiry ----

    @Test
    void jmsTimeToLiveExpiresTheMessageInTheQueueWithoutAConsumer() throws Exception {
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("jms-ttl");
        MessageProducer producer = session.createProducer(queue);
        producer.setTimeToLive(300);
        producer.send(session.createTextMessage("short-lived"));
        producer.setTimeToLive(0);
        producer.send(session.createTextMessage("stays"));

        // The broker removes it by itself (expiry index), not when a consumer comes by.
        await().atMost(Duration.ofSeconds(5)).until(() -> queue("jms-ttl").messageCount() == 1);
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals("stays", ((TextMessage) consumer.receive(ARRIVES_MS)).getText());
        assertNull(consumer.receive(NOTHING_MORE_MS));
    }

    @Test
    void headerTtlAndAbsoluteExpiryTimeBothExpireAMessage() throws Exception {
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/expiry");
        sender.send(Message.create("ttl").timeToLive(300)).awaitAccepted(5, SECONDS);
        sender.send(Message.create("absolute").absoluteExpiryTime(System.currentTimeMillis() + 300))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("forever")).awaitAccepted(5, SECONDS);
        sender.send(Message.create("far future").absoluteExpiryTime(System.currentTimeMillis() + 3_600_000))
                .awaitAccepted(5, SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> queue("expiry").messageCount() == 2);
        Receiver receiver = connection.openReceiver("/queues/expiry");
        assertEquals("forever", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertEquals("far future", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS));
    }

    @Test
    void aMessageThatExpiresWhileHeldIsNotRedeliveredWhenReleased() throws Exception {
        Connection connection = connect();
        long expiresAt = System.currentTimeMillis() + 500;
        connection.openSender("/queues/held-expiry").send(Message.create("perishable").absoluteExpiryTime(expiresAt))
                .awaitAccepted(5, SECONDS);
        Receiver receiver = connection.openReceiver("/queues/held-expiry", manualAccept());
        Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertNotNull(delivery, "delivered before its expiry");

        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > expiresAt);
        delivery.release();
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS), "an expired message was redelivered");
        assertQueueEmpties("held-expiry");
    }

    @Test
    void queueMessageTtlExpiresMessagesAndCapsALongerOwnTtl() throws Exception {
        // ttl.*: x-message-ttl 300
        Connection connection = connect();
        Receiver receiver = connection.openReceiver("/queues/ttl.q", new ReceiverOptions().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        Sender sender = connection.openSender("/queues/ttl.q");
        sender.send(Message.create("queue ttl")).awaitAccepted(5, SECONDS);
        sender.send(Message.create("own ttl is longer").timeToLive(3_600_000)).awaitAccepted(5, SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> queue("ttl.q").messageCount() == 0);
        receiver.addCredit(10);
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS), "an expired message was delivered");

        // A consumer that is there in time gets it.
        sender.send(Message.create("fresh")).awaitAccepted(5, SECONDS);
        assertEquals("fresh", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
    }

    @Test
    void queueWithXExpiresIsDeletedOnceUnused() throws Exception {
        // expires.*: x-expires 400 ms
        Connection connection = connect();
        Receiver receiver = connection.openReceiver("/queues/expires.q");
        receiver.openFuture().get(5, SECONDS);
        await().until(() -> queue("expires.q").consumerCount() == 1);

        // In use: it stays well past x-expires.
        await().during(Duration.ofMillis(1_200)).atMost(Duration.ofSeconds(3))
                .until(() -> broker.broker().queues().get("expires.q") != null);

        receiver.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().queues().get("expires.q") == null);
        assertTrue(broker.broker().queues().all().stream().noneMatch(q -> q.name().equals("expires.q")));
    }

    // ---- length limits and priorities ----

    @Test
    void maxLengthDropHeadDropsTheOldest() throws Exception {
        // maxlen.*: x-max-length 3, overflow drop-head (default)
        Connection connection = connect();
        sendAll(connection, "/queues/maxlen.q", 5);
        awaitCount("maxlen.q", 3);
        assertEquals(List.of(2, 3, 4), drainNumbers(connection.openReceiver("/queues/maxlen.q")));
    }

    @Test
    void maxLengthRejectPublishRefusesTheNewMessage() throws Exception {
        // full.*: x-max-length 2, x-overflow reject-publish
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/full.q");
        sender.send(Message.create("m0")).awaitAccepted(5, SECONDS);
        sender.send(Message.create("m1")).awaitAccepted(5, SECONDS);
        Tracker refused = sender.send(Message.create("m2"));
        refused.awaitSettlement(5, SECONDS);
        assertResourceLimitExceeded(refused.remoteState());
        awaitCount("full.q", 2);

        Receiver receiver = connection.openReceiver("/queues/full.q", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(1);
        Delivery m0 = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m0", m0.message().body());
        m0.accept();
        // Room again: the same link publishes again.
        await().until(() -> queue("full.q").messageCount() == 1);
        sender.send(Message.create("m3")).awaitAccepted(5, SECONDS);
        receiver.addCredit(10);
        assertEquals(List.of(1, 3), drainNumbers(receiver));
    }

    @Test
    void aFullRejectPublishQueueWithholdsCreditUntilThereIsRoom() throws Exception {
        // A small credit window, so the sender runs out within a few refused messages.
        broker.close();
        broker = RunningBroker.withTestUser(dataDir.resolve("small-window"), "link-credit-window: 10\n", POLICIES);
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/full.credit");
        sender.send(Message.create("m0")).awaitAccepted(5, SECONDS);
        sender.send(Message.create("m1")).awaitAccepted(5, SECONDS);

        // While the queue is full the sender spends the credit it has (each send refused), then gets no more.
        int refused = 0;
        Tracker tracker;
        while ((tracker = sender.trySend(Message.create("refused"))) != null) {
            tracker.awaitSettlement(5, SECONDS);
            assertResourceLimitExceeded(tracker.remoteState());
            refused++;
            assertTrue(refused <= 10, "the sender kept getting credit for a full queue");
        }
        // No credit now, and none comes while the queue stays full (the client has no credit getter: trySend
        // answers null without credit; a successful one would send a message).
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> sender.trySend(Message.create("refused")) == null);

        // Room again: credit comes back and the next message is accepted.
        Receiver receiver = connection.openReceiver("/queues/full.credit", manualAccept().creditWindow(0));
        receiver.openFuture().get(5, SECONDS);
        receiver.addCredit(1);
        Delivery m0 = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("m0", m0.message().body());
        m0.accept();
        AtomicReference<Tracker> m2 = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            m2.set(sender.trySend(Message.create("m2")));
            return m2.get() != null;
        });
        m2.get().awaitAccepted(5, SECONDS);
        receiver.addCredit(10);
        assertEquals(List.of(1, 2), drainNumbers(receiver));
        assertTrue(refused > 0, "no publish was refused");
    }

    @Test
    void jmsSendToAFullRejectPublishQueueThrows() throws Exception {
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("full.jms");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("m0"));
        producer.send(session.createTextMessage("m1"));
        JMSException refused = assertThrows(JMSException.class,
                () -> producer.send(session.createTextMessage("m2")));
        assertInstanceOf(ResourceAllocationException.class, refused, "amqp:resource-limit-exceeded: " + refused);
        awaitCount("full.jms", 2);
    }

    @Test
    void maxLengthBytesDropsTheOldestAndRejectPublishRefuses() throws Exception {
        // maxbytes.*: 2500 bytes, drop-head. Each message is ~1010 bytes encoded: two fit, three do not.
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/maxbytes.q");
        for (int i = 0; i < 5; i++) {
            sender.send(Message.create(new byte[1000]).property("n", i)).awaitAccepted(5, SECONDS);
        }
        awaitCount("maxbytes.q", 2);
        Receiver receiver = connection.openReceiver("/queues/maxbytes.q");
        assertEquals(3, receiver.receive(ARRIVES_MS, MILLISECONDS).message().property("n"));
        assertEquals(4, receiver.receive(ARRIVES_MS, MILLISECONDS).message().property("n"));
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS));

        // fullbytes.*: 2500 bytes, reject-publish
        Sender full = connection.openSender("/queues/fullbytes.q");
        full.send(Message.create(new byte[1000])).awaitAccepted(5, SECONDS);
        full.send(Message.create(new byte[1000])).awaitAccepted(5, SECONDS);
        Tracker refused = full.send(Message.create(new byte[1000]));
        refused.awaitSettlement(5, SECONDS);
        assertResourceLimitExceeded(refused.remoteState());
        // A small one still fits.
        full.send(Message.create(new byte[10])).awaitAccepted(5, SECONDS);
        awaitCount("fullbytes.q", 3);
    }

    @Test
    void rejectPublishLimitsHoldForPipelinedSends() throws Exception {
        // Sends in flight at once (no waiting for each outcome): exactly as many are accepted as fit. Durable
        // messages are accepted only after a forced write, so later sends reach the queue while earlier ones are
        // still being stored.
        Connection connection = connect();
        Sender byCount = connection.openSender("/queues/full.pipelined");
        Sender byBytes = connection.openSender("/queues/fullbytes.pipelined");
        List<Tracker> countTrackers = new ArrayList<>();
        List<Tracker> bytesTrackers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            countTrackers.add(byCount.send(Message.create("m" + i).durable(true)));
            bytesTrackers.add(byBytes.send(Message.create(new byte[1000]).durable(true)));
        }
        assertEquals(2, acceptedOf(countTrackers), "x-max-length 2 with reject-publish");
        assertEquals(2, acceptedOf(bytesTrackers), "x-max-length-bytes 2500 with reject-publish, ~1008-byte messages");
        awaitCount("full.pipelined", 2);
        awaitCount("fullbytes.pipelined", 2);
    }

    /** Waits for every outcome; checks the refused ones carry amqp:resource-limit-exceeded; counts the accepted. */
    private static int acceptedOf(List<Tracker> trackers) throws Exception {
        int accepted = 0;
        for (Tracker tracker : trackers) {
            tracker.awaitSettlement(5, SECONDS);
            if (tracker.remoteState().isAccepted()) {
                accepted++;
            } else {
                assertResourceLimitExceeded(tracker.remoteState());
            }
        }
        return accepted;
    }

    @Test
    void jmsPrioritiesAreDeliveredHighestFirstFifoWithinALevel() throws Exception {
        // prio.*: x-max-priority 10
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("prio.q");
        MessageProducer producer = session.createProducer(queue);
        int[] priorities = {1, 4, 9, 1, 9, 4, 0, 7};
        for (int i = 0; i < priorities.length; i++) {
            producer.send(session.createTextMessage("p" + priorities[i] + "-" + i), jakarta.jms.DeliveryMode.PERSISTENT,
                    priorities[i], 0);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < priorities.length; i++) {
            TextMessage m = (TextMessage) consumer.receive(ARRIVES_MS);
            assertNotNull(m);
            received.add(m.getText());
            assertEquals(Integer.parseInt(m.getText().substring(1, 2)), m.getJMSPriority());
        }
        assertEquals(List.of("p9-2", "p9-4", "p7-7", "p4-1", "p4-5", "p1-0", "p1-3", "p0-6"), received);
    }

    @Test
    void withoutXMaxPriorityMessagePrioritiesAreIgnored() throws Exception {
        jakarta.jms.Connection connection = jms("");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.Queue queue = session.createQueue("no-prio");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("m0"), jakarta.jms.DeliveryMode.PERSISTENT, 1, 0);
        producer.send(session.createTextMessage("m1"), jakarta.jms.DeliveryMode.PERSISTENT, 9, 0);
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals(texts(0, 2), receiveTexts(consumer, 2));
    }

    // ---- helpers ----

    private Connection connect() throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        connection.openFuture().get(10, SECONDS);
        return connection;
    }

    private jakarta.jms.Connection jms(String options) throws JMSException {
        jakarta.jms.Connection connection =
                new JmsConnectionFactory("alice", "secret", broker.jmsUri() + options).createConnection();
        jmsConnections.add(connection);
        connection.start();
        return connection;
    }

    private static ReceiverOptions manualAccept() {
        return new ReceiverOptions().autoAccept(false);
    }

    private MessageQueue queue(String name) {
        MessageQueue queue = broker.broker().queues().get(name);
        assertNotNull(queue, "no queue " + name);
        return queue;
    }

    /** The queue's count settles at {@code expected} (a count is updated on the queue's thread, after the outcome). */
    private void awaitCount(String name, long expected) {
        MessageQueue queue = queue(name);
        await().atMost(Duration.ofSeconds(5)).until(queue::messageCount, n -> n == expected);
    }

    private void assertQueueEmpties(String name) {
        MessageQueue queue = queue(name);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.messageCount() == 0);
    }

    /** Sends {@code m0..m<n-1>} on a new link, each awaited accepted. */
    private static void sendAll(Connection connection, String address, int n) throws Exception {
        try (Sender sender = connection.openSender(address)) {
            for (int i = 0; i < n; i++) {
                sender.send(Message.create("m" + i)).awaitAccepted(5, SECONDS);
            }
        }
    }

    /** The numbers of the {@code m<i>} messages a receiver gets until nothing more comes, accepting them. */
    private static List<Integer> drainNumbers(Receiver receiver) throws Exception {
        List<Integer> numbers = new ArrayList<>();
        Delivery delivery;
        while ((delivery = receiver.receive(NOTHING_MORE_MS, MILLISECONDS)) != null) {
            numbers.add(Integer.parseInt(((String) delivery.message().body()).substring(1)));
            delivery.accept();
        }
        return numbers;
    }

    private static void assertSorted(List<Integer> numbers) {
        List<Integer> sorted = new ArrayList<>(numbers);
        Collections.sort(sorted);
        assertEquals(sorted, numbers, "a consumer got messages out of queue order");
    }

    private static void assertResourceLimitExceeded(DeliveryState state) {
        assertNotNull(state, "no outcome");
        assertTrue(state.isRejected(), "a publish to a full queue should be rejected, was " + state.getType());
        assertEquals("amqp:resource-limit-exceeded", ((Rejected) state).getCondition());
    }

    private static void sendText(Session session, jakarta.jms.Queue queue, int n) throws JMSException {
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < n; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        producer.close();
    }

    private static List<String> receiveTexts(MessageConsumer consumer, int n) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TextMessage m = (TextMessage) consumer.receive(ARRIVES_MS);
            assertNotNull(m, "message " + i + " of " + n + " missing; got " + texts);
            texts.add(m.getText());
        }
        return texts;
    }

    private static List<String> texts(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).collect(Collectors.toList());
    }
}
