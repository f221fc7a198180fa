package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.amqp.AmqpException;
import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.Message;
import com.rabbitmq.client.amqp.Publisher;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wharf as the RabbitMQ AMQP 1.0 Java client (com.rabbitmq.client:amqp-client 1.x) sees it: topology through its
 * Management API (the management link pair), publishing to {@code /exchanges/:x/:key}, consuming
 * {@code /queues/:q}, and the topology surviving a restart.
 */
@Timeout(90)
class RabbitMqClientIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Environment environment;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        environment = new AmqpEnvironmentBuilder().build();
    }

    @AfterEach
    void stop() {
        environment.close();
        broker.close();
    }

    private Connection connect() {
        return environment.connectionBuilder().host("127.0.0.1").port(broker.port()).username("alice")
                .password("secret").recovery().activated(false).connectionBuilder().build();
    }

    /** Publishes one message (with {@code properties} as application properties); the broker's outcome. */
    private static Publisher.Status publish(Publisher publisher, String body, Map<String, String> properties)
            throws InterruptedException {
        BlockingQueue<Publisher.Status> outcome = new LinkedBlockingQueue<>();
        Message message = publisher.message(body.getBytes(StandardCharsets.UTF_8));
        properties.forEach(message::property);
        publisher.publish(message, context -> outcome.add(context.status()));
        Publisher.Status status = outcome.poll(10, TimeUnit.SECONDS);
        assertTrue(status != null, "no outcome for " + body);
        return status;
    }

    private static Publisher.Status publish(Publisher publisher, String body) throws InterruptedException {
        return publish(publisher, body, Map.of());
    }

    /** Everything waiting in {@code queue}, accepted, in order (waits until {@code expected} bodies came). */
    private static List<String> drain(Connection connection, String queue, int expected) {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        com.rabbitmq.client.amqp.Consumer consumer = connection.consumerBuilder().queue(queue)
                .messageHandler((context, message) -> {
                    received.add(new String(message.body(), StandardCharsets.UTF_8));
                    context.accept();
                }).build();
        try {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() >= expected);
            List<String> bodies = new ArrayList<>(received);
            return bodies;
        } finally {
            consumer.close();
        }
    }

    private static long messageCount(Management management, String queue) {
        return management.queueInfo(queue).messageCount();
    }

    @Test
    void declaresPublishesThroughAnExchangeAndConsumes() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("orders").type(Management.ExchangeType.DIRECT).declare();
            Management.QueueInfo info = management.queue("eu-orders").declare();
            assertEquals("eu-orders", info.name());
            assertTrue(info.durable());
            assertEquals(Management.QueueType.CLASSIC, info.type());
            management.binding().sourceExchange("orders").destinationQueue("eu-orders").key("eu").bind();

            Publisher publisher = connection.publisherBuilder().exchange("orders").key("eu").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(publisher, "hello"));
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> messageCount(management, "eu-orders") == 1);
            assertEquals(List.of("hello"), drain(connection, "eu-orders", 1));

            // publishing to the queue directly (/queues/:q) works too
            Publisher direct = connection.publisherBuilder().queue("eu-orders").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(direct, "direct"));
            assertEquals(List.of("direct"), drain(connection, "eu-orders", 1));
        }
    }

    @Test
    void topicAndHeadersExchangesRoute() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("prices").type(Management.ExchangeType.TOPIC).declare();
            management.queue("eu").declare();
            management.queue("all-stock").declare();
            management.binding().sourceExchange("prices").destinationQueue("eu").key("*.eu.*").bind();
            management.binding().sourceExchange("prices").destinationQueue("all-stock").key("stock.#").bind();
            Publisher prices = connection.publisherBuilder().exchange("prices").key("stock.eu.sap").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(prices, "sap"));
            prices.close();
            prices = connection.publisherBuilder().exchange("prices").key("stock.us").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(prices, "us"));
            prices.close();
            prices = connection.publisherBuilder().exchange("prices").key("bond.eu.bund").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(prices, "bund"));
            assertEquals(List.of("sap", "bund"), drain(connection, "eu", 2));
            assertEquals(List.of("sap", "us"), drain(connection, "all-stock", 2));

            management.exchange("docs").type(Management.ExchangeType.HEADERS).declare();
            management.queue("pdf-reports").declare();
            management.queue("any-pdf-or-urgent").declare();
            management.binding().sourceExchange("docs").destinationQueue("pdf-reports")
                    .arguments(Map.of("x-match", "all", "format", "pdf", "type", "report")).bind();
            management.binding().sourceExchange("docs").destinationQueue("any-pdf-or-urgent")
                    .arguments(Map.of("x-match", "any", "format", "pdf", "priority", "urgent")).bind();
            Publisher docs = connection.publisherBuilder().exchange("docs").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(docs, "report.pdf",
                    Map.of("format", "pdf", "type", "report")));
            assertEquals(Publisher.Status.ACCEPTED, publish(docs, "memo.doc",
                    Map.of("format", "doc", "priority", "urgent")));
            assertEquals(Publisher.Status.RELEASED, publish(docs, "note.txt", Map.of("format", "txt")));
            assertEquals(List.of("report.pdf"), drain(connection, "pdf-reports", 1));
            assertEquals(List.of("report.pdf", "memo.doc"), drain(connection, "any-pdf-or-urgent", 2));
        }
    }

    @Test
    void unroutableIsReleasedAndAMissingExchangeIsRefused() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("nowhere").type(Management.ExchangeType.FANOUT).declare();
            Publisher publisher = connection.publisherBuilder().exchange("nowhere").build();
            assertEquals(Publisher.Status.RELEASED, publish(publisher, "lost"));
            assertThrows(AmqpException.class,
                    () -> connection.publisherBuilder().exchange("missing").key("k").build());
        }
    }

    @Test
    void exchangeToExchangeBindingsAndAlternateExchanges() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("unrouted").type(Management.ExchangeType.FANOUT).declare();
            management.exchange("front").type(Management.ExchangeType.DIRECT)
                    .argument("alternate-exchange", "unrouted").declare();
            management.exchange("audit").type(Management.ExchangeType.FANOUT).declare();
            management.queue("orders").declare();
            management.queue("audit-log").declare();
            management.queue("lost-and-found").declare();
            management.binding().sourceExchange("front").destinationExchange("audit").key("order").bind();
            management.binding().sourceExchange("front").destinationQueue("orders").key("order").bind();
            management.binding().sourceExchange("audit").destinationQueue("audit-log").bind();
            management.binding().sourceExchange("unrouted").destinationQueue("lost-and-found").bind();

            Publisher order = connection.publisherBuilder().exchange("front").key("order").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(order, "o1"));
            Publisher other = connection.publisherBuilder().exchange("front").key("typo").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(other, "t1"));
            assertEquals(List.of("o1"), drain(connection, "orders", 1));
            assertEquals(List.of("o1"), drain(connection, "audit-log", 1));
            assertEquals(List.of("t1"), drain(connection, "lost-and-found", 1));

            management.unbind().sourceExchange("front").destinationExchange("audit").key("order").unbind();
            assertEquals(Publisher.Status.ACCEPTED, publish(order, "o2"));
            assertEquals(List.of("o2"), drain(connection, "orders", 1));
            assertEquals(0, messageCount(management, "audit-log"));
        }
    }

    @Test
    void inspectsPurgesUnbindsAndDeletes() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("x").type(Management.ExchangeType.HEADERS).declare();
            management.queue("q").maxLength(100).declare();
            Map<String, Object> match = Map.of("x-match", "any", "k", "v");
            management.binding().sourceExchange("x").destinationQueue("q").arguments(match).bind();
            Publisher publisher = connection.publisherBuilder().exchange("x").build();
            for (int i = 0; i < 3; i++) {
                assertEquals(Publisher.Status.ACCEPTED, publish(publisher, "m" + i, Map.of("k", "v")));
            }
            Management.QueueInfo info = management.queueInfo("q");
            assertEquals(3, info.messageCount());
            assertEquals(0, info.consumerCount());
            assertEquals(100L, ((Number) info.arguments().get("x-max-length")).longValue());
            assertEquals(3, management.queuePurge("q").messageCount());
            assertEquals(0, messageCount(management, "q"));

            // unbinding a binding with arguments goes through GET /bindings and the returned location
            management.unbind().sourceExchange("x").destinationQueue("q").arguments(match).unbind();
            assertEquals(Publisher.Status.RELEASED, publish(publisher, "after-unbind", Map.of("k", "v")));

            management.exchangeDelete("x");
            assertThrows(AmqpException.class, () -> connection.publisherBuilder().exchange("x").build());
            assertEquals(Publisher.Status.ACCEPTED,
                    publish(connection.publisherBuilder().queue("q").build(), "last"));
            management.queueDelete("q");
            assertThrows(AmqpException.class, () -> management.queueInfo("q"));
            assertNull(broker.broker().queues().get("q"));
        }
    }

    @Test
    void refusesWhatRabbitMqRefuses() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.queue("q").declare();
            // an equivalent redeclare is fine, a different one is a conflict (409)
            management.queue("q").declare();
            AmqpException conflict = assertThrows(AmqpException.class,
                    () -> management.queue("q").maxLength(5).declare());
            assertTrue(conflict.getMessage().contains("409"), conflict.getMessage());
            management.exchange("x").type(Management.ExchangeType.TOPIC).declare();
            assertTrue(assertThrows(AmqpException.class,
                    () -> management.exchange("x").type(Management.ExchangeType.FANOUT).declare())
                    .getMessage().contains("409"));
            // amq. names are reserved (403)
            assertTrue(assertThrows(AmqpException.class, () -> management.queue("amq.mine").declare())
                    .getMessage().contains("403"));
            assertTrue(assertThrows(AmqpException.class,
                    () -> management.exchange("amq.mine").type(Management.ExchangeType.FANOUT).declare())
                    .getMessage().contains("403"));
            assertThrows(AmqpException.class, () -> management.exchangeDelete("amq.topic"));
            // bad input: a wrong argument type (400), an unknown exchange type, a binding to a missing queue (404)
            AmqpException wrongType = assertThrows(AmqpException.class,
                    () -> management.queue("r").argument("x-max-length", "ten").declare());
            assertTrue(wrongType.getMessage().contains("400"), wrongType.getMessage());
            assertTrue(assertThrows(AmqpException.class,
                    () -> management.exchange("y").type("x-consistent-hash").declare())
                    .getMessage().contains("400"));
            AmqpException missing = assertThrows(AmqpException.class, () -> management.binding()
                    .sourceExchange("x").destinationQueue("no-such-queue").key("k").bind());
            assertTrue(missing instanceof AmqpException.AmqpEntityDoesNotExistException, missing.toString());
            assertTrue(missing.getMessage().contains("no-such-queue"), missing.getMessage());
            // nothing was left half-created
            assertNull(broker.broker().queues().get("r"));
            assertNull(broker.broker().topology().exchange("y"));
            assertTrue(broker.broker().topology().exchange("x").bindings().isEmpty());
        }
    }

    @Test
    void everythingDeclaredSurvivesARestart() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("events").type(Management.ExchangeType.TOPIC).declare();
            management.exchange("fan").type(Management.ExchangeType.FANOUT).declare();
            management.queue("audit").deadLetterExchange("fan").declare();
            management.queue("alerts").declare();
            management.binding().sourceExchange("events").destinationQueue("alerts").key("*.critical").bind();
            management.binding().sourceExchange("events").destinationExchange("fan").key("#").bind();
            management.binding().sourceExchange("fan").destinationQueue("audit").bind();
            Publisher publisher = connection.publisherBuilder().exchange("events").key("disk.critical").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(publisher, "before"));
        }
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "queues:\n  auto-create: false\n");
        try (Connection connection = connect()) {
            Management management = connection.management();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> messageCount(management, "audit") == 1
                    && messageCount(management, "alerts") == 1);
            assertEquals("fan", management.queueInfo("audit").arguments().get("x-dead-letter-exchange"));
            // the exchanges are back with their properties (an equivalent redeclare, a differing one fails)
            management.exchange("events").type(Management.ExchangeType.TOPIC).declare();
            assertThrows(AmqpException.class,
                    () -> management.exchange("fan").type(Management.ExchangeType.DIRECT).declare());
            // and the bindings route as before
            Publisher publisher = connection.publisherBuilder().exchange("events").key("cpu.critical").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(publisher, "after"));
            assertEquals(List.of("before", "after"), drain(connection, "alerts", 2));
            assertEquals(List.of("before", "after"), drain(connection, "audit", 2));
            Publisher info = connection.publisherBuilder().exchange("events").key("cpu.info").build();
            assertEquals(Publisher.Status.ACCEPTED, publish(info, "info"));
            assertEquals(List.of("info"), drain(connection, "audit", 1));
            assertFalse(broker.broker().topology().exchange("events").bindings().isEmpty());
        }
    }

    @Test
    void exclusiveQueueGoesWithItsConnection() throws Exception {
        Connection connection = connect();
        connection.management().queue("mine").exclusive(true).declare();
        assertTrue(broker.broker().queues().get("mine") != null);
        connection.close();
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> broker.broker().queues().get("mine") == null);
    }
}
