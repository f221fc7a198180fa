package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * JMS topics with Qpid JMS: a topic is a routing key on {@code amq.topic}; each subscription is a queue bound to it
 * (temporary, durable or shared).
 */
@Timeout(90)
class JmsTopicIT {

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

    private Connection connect(String clientId) throws JMSException {
        Connection connection = new JmsConnectionFactory("alice", "secret", broker.jmsUri()).createConnection();
        if (clientId != null) {
            connection.setClientID(clientId);
        }
        connection.start();
        return connection;
    }

    private static void send(Session session, Topic topic, String... bodies) throws JMSException {
        MessageProducer producer = session.createProducer(topic);
        for (String body : bodies) {
            producer.send(session.createTextMessage(body));
        }
        producer.close();
    }

    private static List<String> receive(MessageConsumer consumer, int n) throws JMSException {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = consumer.receive(5_000);
            assertNotNull(m, "message " + i + " of " + n + " (got " + bodies + ")");
            bodies.add(((TextMessage) m).getText());
        }
        return bodies;
    }

    private int queueCount() {
        return broker.broker().queues().all().size();
    }

    @Test
    void everySubscriberOfATopicReceivesEveryMessage() throws Exception {
        int before = queueCount();
        try (Connection connection = connect(null); Connection other = connect(null)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic news = session.createTopic("news");
            MessageConsumer first = session.createConsumer(news);
            MessageConsumer second = other.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(news);
            MessageConsumer sports = session.createConsumer(session.createTopic("news.sports.*"));
            send(session, news, "a", "b", "c");
            send(session, session.createTopic("news.sports.tennis"), "set point");
            assertEquals(List.of("a", "b", "c"), receive(first, 3));
            assertEquals(List.of("a", "b", "c"), receive(second, 3));
            assertEquals(List.of("set point"), receive(sports, 1));
            assertNull(first.receive(200));
            // an anonymous producer (the anonymous relay, 'to' + x-opt-jms-dest) reaches the same subscribers
            session.createProducer(null).send(news, session.createTextMessage("relayed"));
            assertEquals(List.of("relayed"), receive(first, 1));
            first.close();
            sports.close();
        }
        // non-durable subscriptions leave nothing behind
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> queueCount() == before);
    }

    @Test
    void aMessageNobodySubscribedToIsDropped() throws Exception {
        try (Connection connection = connect(null)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // no subscriber: the send still succeeds (JMS: a topic message nobody subscribed to is dropped)
            send(session, session.createTopic("void"), "nobody");
            MessageConsumer late = session.createConsumer(session.createTopic("void"));
            assertNull(late.receive(300));
        }
    }

    @Test
    void aDurableSubscriptionKeepsWhatWasPublishedWhileAwayAlsoAcrossARestart() throws Exception {
        try (Connection connection = connect("client-1")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic orders = session.createTopic("orders");
            MessageConsumer durable = session.createDurableConsumer(orders, "audit");
            send(session, orders, "o1");
            assertEquals(List.of("o1"), receive(durable, 1));
            durable.close();
            send(session, orders, "o2", "o3");
            durable = session.createDurableConsumer(orders, "audit");
            assertEquals(List.of("o2", "o3"), receive(durable, 2));
            durable.close();
            send(session, orders, "o4");
        }
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "");
        try (Connection connection = connect("client-1")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic orders = session.createTopic("orders");
            // published after the restart, before the subscriber is back: the recovered binding still routes
            send(session, orders, "o5");
            MessageConsumer durable = session.createDurableConsumer(orders, "audit");
            assertEquals(List.of("o4", "o5"), receive(durable, 2));
            durable.close();
            session.unsubscribe("audit");
            assertThrows(InvalidDestinationException.class, () -> session.unsubscribe("audit"));
            send(session, orders, "o6");
            durable = session.createDurableConsumer(orders, "audit");
            assertNull(durable.receive(300), "unsubscribe deleted the subscription and its messages");
        }
    }

    @Test
    void sharedSubscriptionsSplitTheMessagesBetweenTheirConsumers() throws Exception {
        try (Connection a = connect(null); Connection b = connect(null)) {
            Session sessionA = a.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session sessionB = b.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic jobs = sessionA.createTopic("jobs");
            MessageConsumer workerA = sessionA.createSharedConsumer(jobs, "workers");
            MessageConsumer workerB = sessionB.createSharedConsumer(jobs, "workers");
            MessageConsumer durableA = sessionA.createSharedDurableConsumer(jobs, "archive");
            int n = 20;
            String[] bodies = new String[n];
            for (int i = 0; i < n; i++) {
                bodies[i] = "job" + i;
            }
            send(sessionA, jobs, bodies);
            Set<String> seen = new HashSet<>();
            int fromA = 0;
            int fromB = 0;
            while (seen.size() < n) {
                Message m = workerA.receive(100);
                if (m != null) {
                    assertTrue(seen.add(((TextMessage) m).getText()), "delivered twice");
                    fromA++;
                }
                m = workerB.receive(100);
                if (m != null) {
                    assertTrue(seen.add(((TextMessage) m).getText()), "delivered twice");
                    fromB++;
                }
            }
            assertEquals(n, fromA + fromB);
            assertEquals(n, receive(durableA, n).size(), "each shared subscription gets its own copy");
            durableA.close();
            workerA.close();
            workerB.close();
            // the shared durable subscription outlives its consumers; the volatile one does not
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() ->
                    broker.broker().queues().get("workers||volatile") == null);
            assertNotNull(broker.broker().queues().get("archive|"));
            send(sessionA, jobs, "later");
            MessageConsumer again = sessionB.createSharedDurableConsumer(jobs, "archive");
            assertEquals(List.of("later"), receive(again, 1));
            again.close();
            sessionB.unsubscribe("archive");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() ->
                    broker.broker().queues().get("archive|") == null);
        }
    }

    @Test
    void requestReplyOverATemporaryQueue() throws Exception {
        try (Connection server = connect(null); Connection client = connect(null)) {
            Session serverSession = server.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue requests = serverSession.createQueue("requests");
            MessageConsumer incoming = serverSession.createConsumer(requests);
            MessageProducer replies = serverSession.createProducer(null);

            Session clientSession = client.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replyTo = clientSession.createTemporaryQueue();
            MessageConsumer answers = clientSession.createConsumer(replyTo);
            TextMessage request = clientSession.createTextMessage("ping");
            request.setJMSReplyTo(replyTo);
            request.setJMSCorrelationID("req-1");
            clientSession.createProducer(requests).send(request);

            Message received = incoming.receive(5_000);
            assertNotNull(received);
            TextMessage reply = serverSession.createTextMessage("pong");
            reply.setJMSCorrelationID(received.getJMSCorrelationID());
            replies.send(received.getJMSReplyTo(), reply);

            TextMessage answer = (TextMessage) answers.receive(5_000);
            assertNotNull(answer);
            assertEquals("pong", answer.getText());
            assertEquals("req-1", answer.getJMSCorrelationID());
        }
    }
}
