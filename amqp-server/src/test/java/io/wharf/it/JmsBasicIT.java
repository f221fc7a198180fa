package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.broker.Broker;
import io.wharf.broker.config.BrokerConfig;
import io.wharf.broker.config.ConfigLoader;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker's foundation as Qpid JMS users see it. */
@Timeout(60)
class JmsBasicIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Connection connect() throws Exception {
        Connection connection = new JmsConnectionFactory("alice", "secret", broker.jmsUri()).createConnection();
        connection.start();
        return connection;
    }

    @Test
    void sendsAndReceivesTenThousandMessagesInOrder() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("orders");
            MessageProducer producer = session.createProducer(queue);
            int n = 10_000;
            for (int i = 0; i < n; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
            MessageConsumer consumer = session.createConsumer(queue);
            for (int i = 0; i < n; i++) {
                TextMessage m = (TextMessage) consumer.receive(10_000);
                assertNotNull(m, "message " + i);
                assertEquals("m" + i, m.getText());
            }
            assertNull(consumer.receive(200));
        }
    }

    @Test
    void competingConsumersShareTheQueue() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("/queues/work");
            // prefetch 1 so neither consumer hoards the backlog
            Connection second = new JmsConnectionFactory("alice", "secret",
                    broker.jmsUri() + "?jms.prefetchPolicy.all=1").createConnection();
            second.start();
            Connection first = new JmsConnectionFactory("alice", "secret",
                    broker.jmsUri() + "?jms.prefetchPolicy.all=1").createConnection();
            first.start();
            try (first; second) {
                MessageConsumer a = first.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
                MessageConsumer b = second.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
                MessageProducer producer = session.createProducer(queue);
                int n = 200;
                for (int i = 0; i < n; i++) {
                    producer.send(session.createTextMessage(Integer.toString(i)));
                }
                Set<String> fromA = new HashSet<>();
                Set<String> fromB = new HashSet<>();
                while (fromA.size() + fromB.size() < n) {
                    Message m = a.receive(50);
                    if (m != null) {
                        assertTrue(fromA.add(((TextMessage) m).getText()));
                    }
                    m = b.receive(50);
                    if (m != null) {
                        assertTrue(fromB.add(((TextMessage) m).getText()));
                    }
                }
                assertFalse(fromA.isEmpty(), "first consumer got nothing");
                assertFalse(fromB.isEmpty(), "second consumer got nothing");
                Set<String> both = new HashSet<>(fromA);
                both.retainAll(fromB);
                assertTrue(both.isEmpty(), "delivered twice: " + both);
            }
        }
    }

    @Test
    void clientAcknowledgeRecoverRedelivers() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("recover");
            MessageProducer producer = session.createProducer(queue);
            producer.send(session.createTextMessage("one"));
            producer.send(session.createTextMessage("two"));
            MessageConsumer consumer = session.createConsumer(queue);
            Message first = consumer.receive(5_000);
            assertEquals("one", ((TextMessage) first).getText());
            assertFalse(first.getJMSRedelivered());
            session.recover();
            Message again = consumer.receive(5_000);
            assertEquals("one", ((TextMessage) again).getText());
            assertTrue(again.getJMSRedelivered());
            assertEquals(2, again.getIntProperty("JMSXDeliveryCount"));
            again.acknowledge();
            Message second = consumer.receive(5_000);
            assertEquals("two", ((TextMessage) second).getText());
            second.acknowledge();
        }
    }

    @Test
    void unackedMessagesComeBackAfterTheConsumerClosesWithRedeliveredSet() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = session.createQueue("reconsume");
            session.createProducer(queue).send(session.createTextMessage("payload"));
            try (Connection other = connect()) {
                Session otherSession = other.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                Message taken = otherSession.createConsumer(queue).receive(5_000);
                assertNotNull(taken);
                // connection closes without acknowledging
            }
            Message back = session.createConsumer(queue).receive(5_000);
            assertNotNull(back);
            assertTrue(back.getJMSRedelivered());
            back.acknowledge();
        }
    }

    @Test
    void tenMegabyteMessage() throws Exception {
        byte[] body = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(body);
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("large");
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(body);
            session.createProducer(queue).send(message);
            BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(20_000);
            assertNotNull(received);
            byte[] copy = new byte[(int) received.getBodyLength()];
            received.readBytes(copy);
            assertArrayEquals(body, copy);
        }
    }

    @Test
    void presettledSendsArrive() throws Exception {
        Connection connection = new JmsConnectionFactory("alice", "secret",
                broker.jmsUri() + "?jms.presettlePolicy.presettleAll=true").createConnection();
        connection.start();
        try (connection) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("presettled");
            MessageProducer producer = session.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            int n = 500;
            for (int i = 0; i < n; i++) {
                producer.send(session.createTextMessage("p" + i));
            }
            MessageConsumer consumer = session.createConsumer(queue);
            for (int i = 0; i < n; i++) {
                Message m = consumer.receive(5_000);
                assertNotNull(m, "message " + i);
                assertEquals("p" + i, ((TextMessage) m).getText());
            }
        }
    }

    @Test
    void temporaryQueueRequestReply() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue requests = session.createQueue("requests");
            TemporaryQueue replies = session.createTemporaryQueue();
            MessageConsumer replyConsumer = session.createConsumer(replies);
            TextMessage request = session.createTextMessage("ping");
            request.setJMSReplyTo(replies);
            session.createProducer(requests).send(request);

            Message received = session.createConsumer(requests).receive(5_000);
            session.createProducer(received.getJMSReplyTo()).send(session.createTextMessage("pong"));
            Message reply = replyConsumer.receive(5_000);
            assertEquals("pong", ((TextMessage) reply).getText());
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        JmsConnectionFactory factory = new JmsConnectionFactory("alice", "wrong", broker.jmsUri());
        assertThrows(JMSSecurityException.class, () -> factory.createConnection().close());
        JmsConnectionFactory unknown = new JmsConnectionFactory("mallory", "secret", broker.jmsUri());
        assertThrows(JMSSecurityException.class, () -> unknown.createConnection().close());
    }

    @Test
    void unknownQueueIsNotFoundWhenAutoCreateIsOff(@TempDir Path otherDir) throws Exception {
        try (RunningBroker strict = RunningBroker.withTestUser(otherDir, "queues:\n  auto-create: false\n")) {
            Connection connection = new JmsConnectionFactory("alice", "secret", strict.jmsUri()).createConnection();
            connection.start();
            try (connection) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue missing = session.createQueue("missing");
                assertThrows(jakarta.jms.InvalidDestinationException.class, () -> session.createConsumer(missing));
                assertThrows(jakarta.jms.InvalidDestinationException.class, () -> session.createProducer(missing));
                // the connection is still usable: a temporary queue works
                TemporaryQueue temporary = session.createTemporaryQueue();
                session.createProducer(temporary).send(session.createTextMessage("still here"));
                assertEquals("still here",
                        ((TextMessage) session.createConsumer(temporary).receive(5_000)).getText());
            }
        }
    }

    @Test
    void shippedConfigurationLetsGuestInFromLoopback() throws Exception {
        BrokerConfig config = ConfigLoader.load(Path.of("../conf/wharf.yaml"),
                Map.of("WHARF_AMQP_PORT", "0", "WHARF_AMQP_HOST", "127.0.0.1", "WHARF_DATA_DIR",
                        dataDir.resolve("shipped").toString()));
        try (Broker shipped = Broker.start(config)) {
            Connection connection = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + shipped.amqpPort()).createConnection();
            connection.start();
            try (connection) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = session.createQueue("hello");
                session.createProducer(queue).send(session.createTextMessage("hi"));
                assertEquals("hi", ((TextMessage) session.createConsumer(queue).receive(5_000)).getText());
            }
        }
    }
}
