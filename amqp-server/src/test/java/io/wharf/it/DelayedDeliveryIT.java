package io.wharf.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.queue.Scheduling;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Rejected;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delayed and scheduled delivery (issue 9): every producer convention, Qpid JMS delivery delay, the delayed-message
 * exchange, listing and cancelling over the management link pair, and a restart with messages still scheduled.
 * Lateness is measured in bench/ (DelayedDeliveryBench); these tests check that nothing arrives early, nothing is
 * lost and due messages leave in due-time order.
 */
@Timeout(120)
class DelayedDeliveryIT {

    /** How long a receive waits for a message that must arrive (beyond its due time). */
    private static final long ARRIVES_MS = 10_000;
    /** How long a receive waits to conclude that nothing is there yet. */
    private static final long NOTHING_YET_MS = 300;

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        client = Client.create();
    }

    @AfterEach
    void stop() {
        client.close();
        if (broker != null) {
            broker.close();
        }
    }

    private Connection connect() throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        connection.openFuture().get(10, SECONDS);
        return connection;
    }

    @Test
    void qpidJmsDeliveryDelayHoldsTheMessageUntilItsTime() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("alice", "secret", broker.jmsUri());
        try (jakarta.jms.Connection connection = factory.createConnection()) {
            connection.start();
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Queue queue = session.createQueue("jms-delayed");
            MessageProducer producer = session.createProducer(queue);
            producer.setDeliveryDelay(1_500);
            long sentAt = System.currentTimeMillis();
            producer.send(session.createTextMessage("later"));
            producer.setDeliveryDelay(0);
            producer.send(session.createTextMessage("now"));

            MessageConsumer consumer = session.createConsumer(queue);
            TextMessage first = (TextMessage) consumer.receive(ARRIVES_MS);
            assertNotNull(first);
            assertEquals("now", first.getText(), "the undelayed message is not held behind the delayed one");
            TextMessage second = (TextMessage) consumer.receive(ARRIVES_MS);
            long receivedAt = System.currentTimeMillis();
            assertNotNull(second, "the delayed message arrives");
            assertEquals("later", second.getText());
            assertTrue(receivedAt >= sentAt + 1_500, "delivered " + (sentAt + 1_500 - receivedAt) + " ms early");
            assertTrue(second.getJMSDeliveryTime() >= sentAt + 1_500, "JMSDeliveryTime as the producer set it");
            assertNull(consumer.receive(NOTHING_YET_MS));
        }
    }

    @Test
    void everyAnnotationFormDelaysAndDueMessagesLeaveInDueOrder() throws Exception {
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/forms");
        long now = System.currentTimeMillis();
        // Sent in an order different from their due order. Delays count from arrival, so the two relative ones
        // are a second apart from each other and from the absolute ones: the sends in between take some time.
        sender.send(Message.create("x-delay").property("x-delay", 3_000)).awaitAccepted(5, SECONDS);
        sender.send(Message.create("delivery-time").annotation("x-opt-delivery-time", new Date(now + 1_000)))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("delivery-delay").annotation("x-opt-delivery-delay", 2_000L))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("scheduled-enqueue-time")
                .annotation("x-opt-scheduled-enqueue-time", new Date(now + 1_400))).awaitAccepted(5, SECONDS);
        sender.send(Message.create("delivery-time-long").annotation("x-opt-delivery-time", now + 1_200L))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("past").annotation("x-opt-delivery-time", new Date(now - 60_000)))
                .awaitAccepted(5, SECONDS);
        // The time wins over a delay when both are given.
        sender.send(Message.create("time-wins").annotation("x-opt-delivery-time", new Date(now + 1_600))
                .annotation("x-opt-delivery-delay", 100_000L)).awaitAccepted(5, SECONDS);

        Receiver receiver = connection.openReceiver("/queues/forms");
        List<String> order = new ArrayList<>();
        Map<String, Long> due = Map.of("delivery-time", now + 1_000, "delivery-time-long", now + 1_200,
                "scheduled-enqueue-time", now + 1_400, "time-wins", now + 1_600, "delivery-delay", now + 2_000,
                "x-delay", now + 3_000, "past", now);
        for (int i = 0; i < due.size(); i++) {
            Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
            long receivedAt = System.currentTimeMillis();
            assertNotNull(delivery, "message " + i + " arrives; got " + order);
            String body = (String) delivery.message().body();
            order.add(body);
            assertTrue(receivedAt >= due.get(body), body + " delivered " + (due.get(body) - receivedAt)
                    + " ms early");
        }
        assertEquals(List.of("past", "delivery-time", "delivery-time-long", "scheduled-enqueue-time", "time-wins",
                "delivery-delay", "x-delay"), order);
        assertNull(receiver.receive(NOTHING_YET_MS, MILLISECONDS));
    }

    @Test
    void aDelayOfTheWrongTypeIsRejectedNamingTheKey() throws Exception {
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/bad-delay");
        Tracker tracker = sender.send(Message.create("bad").annotation("x-opt-delivery-delay", "soon"));
        tracker.awaitSettlement(5, SECONDS);
        DeliveryState state = tracker.remoteState();
        assertTrue(state.isRejected(), "rejected, was " + state.getType());
        assertEquals("amqp:invalid-field", ((Rejected) state).getCondition());
        assertTrue(((Rejected) state).getDescription().contains("x-opt-delivery-delay"),
                ((Rejected) state).getDescription());
        sender.send(Message.create("good")).awaitAccepted(5, SECONDS);
        assertEquals("good", connection.openReceiver("/queues/bad-delay").receive(ARRIVES_MS, MILLISECONDS)
                .message().body(), "the link carries on, the bad message was not stored");
    }

    @Test
    void theDelayedMessageExchangeRoutesLikeItsDelayedTypeAndHoldsByXDelay() throws Exception {
        Connection connection = connect();
        try (ManagementClient management = new ManagementClient(connection)) {
            assertEquals(400, management.call("PUT", "/exchanges/no-type",
                    Map.of("type", "x-delayed-message", "durable", true)).status(), "x-delayed-type is required");
            assertEquals(400, management.call("PUT", "/exchanges/bad-type", Map.of("type", "x-delayed-message",
                    "arguments", Map.of("x-delayed-type", "nonsense"))).status());
            assertEquals(204, management.call("PUT", "/exchanges/dx", Map.of("type", "x-delayed-message",
                    "durable", true, "arguments", Map.of("x-delayed-type", "direct"))).status());
            ManagementClient.Response info = management.call("GET", "/exchanges/dx", null);
            assertEquals(200, info.status());
            assertEquals("x-delayed-message", ((Map<?, ?>) info.body()).get("type"));
            assertEquals(201, management.call("PUT", "/queues/dq", Map.of("durable", true)).status());
            assertEquals(204, management.call("POST", "/bindings", Map.of("source", "dx",
                    "destination_queue", "dq", "binding_key", "k")).status());
        }
        Sender sender = connection.openSender("/exchanges/dx/k");
        long sentAt = System.currentTimeMillis();
        sender.send(Message.create("held").property("x-delay", 1_500L)).awaitAccepted(5, SECONDS);
        sender.send(Message.create("direct")).awaitAccepted(5, SECONDS);
        Tracker unroutable = connection.openSender("/exchanges/dx/other")
                .send(Message.create("nowhere").property("x-delay", 1_000L));
        unroutable.awaitSettlement(5, SECONDS);
        assertTrue(unroutable.remoteState().getType() == DeliveryState.Type.RELEASED,
                "routed at publish: a key with no binding is released at once");

        Receiver receiver = connection.openReceiver("/queues/dq");
        assertEquals("direct", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        Delivery held = receiver.receive(ARRIVES_MS, MILLISECONDS);
        long receivedAt = System.currentTimeMillis();
        assertNotNull(held);
        assertEquals("held", held.message().body());
        assertTrue(receivedAt >= sentAt + 1_500, "delivered " + (sentAt + 1_500 - receivedAt) + " ms early");
    }

    @Test
    void scheduledMessagesAreListedPagedAndCancelledById() throws Exception {
        Connection connection = connect();
        Sender sender = connection.openSender("/queues/cancel-me");
        long now = System.currentTimeMillis();
        sender.send(Message.create("a").messageId("id-a").annotation("x-opt-delivery-time", new Date(now + 4_000)))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("c").messageId("id-c").annotation("x-opt-delivery-time", new Date(now + 6_000)))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("b").messageId("id-b").annotation("x-opt-delivery-time", new Date(now + 5_000)))
                .awaitAccepted(5, SECONDS);
        sender.send(Message.create("no id").annotation("x-opt-delivery-time", new Date(now + 60_000)))
                .awaitAccepted(5, SECONDS);
        try (ManagementClient management = new ManagementClient(connection)) {
            ManagementClient.Response first = management.call("GET", "/queues/cancel-me/scheduled?limit=2", null);
            assertEquals(200, first.status());
            Map<?, ?> page = (Map<?, ?>) first.body();
            assertEquals(4L, ((Number) page.get("scheduled_count")).longValue());
            assertEquals(List.of("id-a", "id-b"), ids(page));
            // An AMQP timestamp (protonj2 hands it back as a Date or as epoch ms).
            Object time = ((Map<?, ?>) ((List<?>) page.get("messages")).get(0)).get("delivery_time");
            assertEquals(now + 4_000, time instanceof Date date ? date.getTime() : ((Number) time).longValue());
            Map<?, ?> second = (Map<?, ?>) management.call("GET", "/queues/cancel-me/scheduled?limit=2&after="
                    + page.get("next"), null).body();
            assertEquals(java.util.Arrays.asList("id-c", null), ids(second));

            Map<?, ?> queueInfo = (Map<?, ?>) management.call("GET", "/queues/cancel-me", null).body();
            assertEquals(4L, ((Number) queueInfo.get("scheduled_count")).longValue());
            assertEquals(0L, ((Number) queueInfo.get("message_count")).longValue(), "scheduled are not yet in");

            assertEquals(200, management.call("DELETE", "/queues/cancel-me/scheduled/id-b", null).status());
            assertEquals(404, management.call("DELETE", "/queues/cancel-me/scheduled/id-b", null).status(),
                    "cancelled already");
            assertEquals(404, management.call("DELETE", "/queues/cancel-me/scheduled/unknown", null).status());
            assertEquals(404, management.call("DELETE", "/queues/missing/scheduled/id-a", null).status());
            assertEquals(400, management.call("GET", "/queues/cancel-me/scheduled?limit=0", null).status());
            assertEquals(List.of("id-a", "id-c"), ids((Map<?, ?>) management.call("GET",
                    "/queues/cancel-me/scheduled?limit=2", null).body()));
        }
        Receiver receiver = connection.openReceiver("/queues/cancel-me");
        assertEquals("a", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        // b was due between a and c: had it not been cancelled it would come next.
        assertEquals("c", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
    }

    private static List<Object> ids(Map<?, ?> page) {
        List<Object> ids = new ArrayList<>();
        for (Object m : (List<?>) page.get("messages")) {
            ids.add(((Map<?, ?>) m).get("message_id"));
        }
        return ids;
    }

    @Test
    void aStreamAppendsAScheduledMessageWhenItFallsDue() throws Exception {
        Connection connection = connect();
        long sentAt = System.currentTimeMillis();
        try (ManagementClient management = new ManagementClient(connection)) {
            assertEquals(201, management.call("PUT", "/queues/s", Map.of("durable", true,
                    "arguments", Map.of("x-queue-type", "stream"))).status());
            Sender sender = connection.openSender("/queues/s");
            sender.send(Message.create("later").messageId("l").annotation("x-opt-delivery-delay", 1_500L))
                    .awaitAccepted(5, SECONDS);
            sender.send(Message.create("cancelled").messageId("c").property("x-delay", 1_200L))
                    .awaitAccepted(5, SECONDS);
            sender.send(Message.create("now")).awaitAccepted(5, SECONDS);
            Map<?, ?> page = (Map<?, ?>) management.call("GET", "/queues/s/scheduled", null).body();
            assertEquals(List.of("c", "l"), ids(page));
            assertEquals(200, management.call("DELETE", "/queues/s/scheduled/c", null).status());
        }
        ReceiverOptions options = new ReceiverOptions();
        options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver receiver = connection.openReceiver("/queues/s", options);
        Delivery now = receiver.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("now", now.message().body());
        assertEquals(0L, now.message().annotation("x-stream-offset"));
        Delivery later = receiver.receive(ARRIVES_MS, MILLISECONDS);
        long receivedAt = System.currentTimeMillis();
        assertNotNull(later);
        assertEquals("later", later.message().body());
        assertEquals(1L, later.message().annotation("x-stream-offset"), "appended when due, after 'now'");
        assertTrue(receivedAt >= sentAt + 1_500, "delivered " + (sentAt + 1_500 - receivedAt) + " ms early");
        assertNull(receiver.receive(NOTHING_YET_MS, MILLISECONDS), "the cancelled one never reaches the stream");
    }

    @Test
    void aRestartKeepsScheduledMessagesAndReleasesTheOverdueAtOnce() throws Exception {
        long overdueAt;
        long laterAt;
        try (Connection connection = connect()) {
            Sender sender = connection.openSender("/queues/restart");
            long now = System.currentTimeMillis();
            overdueAt = now + 1_000;
            laterAt = now + 8_000;
            for (int i = 0; i < 20; i++) {
                sender.send(Message.create("overdue-" + i).durable(true)
                        .annotation("x-opt-delivery-time", new Date(overdueAt + i))).awaitAccepted(5, SECONDS);
            }
            sender.send(Message.create("later").durable(true).messageId("later-id")
                    .annotation("x-opt-delivery-time", new Date(laterAt))).awaitAccepted(5, SECONDS);
            sender.send(Message.create("cancelled").durable(true).messageId("gone")
                    .annotation("x-opt-delivery-time", new Date(laterAt - 1))).awaitAccepted(5, SECONDS);
            try (ManagementClient management = new ManagementClient(connection)) {
                assertEquals(200, management.call("DELETE", "/queues/restart/scheduled/gone", null).status());
                assertEquals(201, management.call("PUT", "/queues/restart-stream", Map.of("durable", true,
                        "arguments", Map.of("x-queue-type", "stream"))).status());
            }
            Sender toStream = connection.openSender("/queues/restart-stream");
            toStream.send(Message.create("stream-later").durable(true)
                    .annotation("x-opt-delivery-time", new Date(laterAt))).awaitAccepted(5, SECONDS);
            toStream.send(Message.create("stream-overdue").durable(true)
                    .annotation("x-opt-delivery-time", new Date(overdueAt))).awaitAccepted(5, SECONDS);
        }
        broker.close();
        client.close();
        // Down while the first ones fall due.
        Awaitility.await().atMost(5, SECONDS).until(() -> System.currentTimeMillis() > overdueAt + 200);
        broker = RunningBroker.withTestUser(dataDir, "");
        client = Client.create();
        Awaitility.await().atMost(10, SECONDS).until(() -> broker.broker().queues().get("restart") != null);
        Scheduling queue = assertInstanceOf(Scheduling.class, broker.broker().queues().get("restart"));
        Connection connection = connect();
        Receiver receiver = connection.openReceiver("/queues/restart");
        for (int i = 0; i < 20; i++) {
            Delivery d = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(d, "overdue message " + i + " released at start");
            assertEquals("overdue-" + i, d.message().body());
        }
        if (System.currentTimeMillis() < laterAt - NOTHING_YET_MS) {
            assertNull(receiver.receive(NOTHING_YET_MS, MILLISECONDS), "the later one is still held");
            assertEquals(1, queue.scheduledCount());
        }
        Delivery later = receiver.receive(ARRIVES_MS + 8_000, MILLISECONDS);
        long receivedAt = System.currentTimeMillis();
        assertNotNull(later, "the scheduled message survived the restart");
        assertEquals("later", later.message().body());
        assertTrue(receivedAt >= laterAt, "delivered " + (laterAt - receivedAt) + " ms early");
        assertNull(receiver.receive(NOTHING_YET_MS, MILLISECONDS), "the cancelled one stays cancelled");

        ReceiverOptions fromFirst = new ReceiverOptions();
        fromFirst.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver stream = connection.openReceiver("/queues/restart-stream", fromFirst);
        List<Object> streamed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Delivery d = stream.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(d, "stream message " + i + " after the restart; got " + streamed);
            streamed.add(d.message().body());
            streamed.add(d.message().annotation("x-stream-offset"));
        }
        assertEquals(List.of("stream-overdue", 0L, "stream-later", 1L), streamed,
                "appended to the stream when due, in due order, each once");
        assertNull(stream.receive(NOTHING_YET_MS, MILLISECONDS));
        connection.close();
    }
}
