package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 * JMS selectors through Qpid JMS: on a queue (the rest stays, in order, for a consumer without one), on topic
 * subscriptions, on JMS header fields, two consumers with disjoint selectors splitting one queue, and no-local.
 */
@Timeout(90)
class JmsSelectorIT {

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
        return connect(null);
    }

    private Connection connect(String clientId) throws Exception {
        Connection connection = new JmsConnectionFactory("alice", "secret", broker.jmsUri()).createConnection();
        if (clientId != null) {
            connection.setClientID(clientId);
        }
        connection.start();
        return connection;
    }

    private static List<String> drain(MessageConsumer consumer, long quietMs) throws Exception {
        List<String> bodies = new ArrayList<>();
        Message m;
        while ((m = consumer.receive(quietMs)) != null) {
            bodies.add(((TextMessage) m).getText());
        }
        return bodies;
    }

    private static void send(Session session, MessageProducer producer, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            TextMessage m = session.createTextMessage("m" + i);
            m.setIntProperty("n", i);
            m.setStringProperty("color", i % 2 == 0 ? "red" : "blue");
            m.setJMSType(i % 5 == 0 ? "special" : "plain");
            producer.send(m, DeliveryMode.PERSISTENT, i % 10, 0);
        }
    }

    @Test
    void aSelectorOnAQueueTakesOnlyMatchesAndLeavesTheRestInOrder() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue("selected");
            send(session, session.createProducer(queue), 40);
            MessageConsumer red = session.createConsumer(queue, "color = 'red' AND n >= 10 AND n < 20");
            assertEquals(List.of("m10", "m12", "m14", "m16", "m18"), drain(red, 1000));
            red.close();
            MessageConsumer headers = session.createConsumer(queue,
                    "JMSType = 'special' AND JMSPriority > 4 AND JMSDeliveryMode = 'PERSISTENT'");
            // special: n % 5 == 0; priority n % 10 > 4 -> n = 5, 15, 25, 35 (10..19 red ones were taken, 15 is blue)
            assertEquals(List.of("m5", "m15", "m25", "m35"), drain(headers, 1000));
            headers.close();
            MessageConsumer all = session.createConsumer(queue);
            List<String> rest = drain(all, 1000);
            assertEquals(40 - 5 - 4, rest.size());
            List<Integer> order = rest.stream().map(s -> Integer.parseInt(s.substring(1))).toList();
            List<Integer> sorted = new ArrayList<>(order);
            Collections.sort(sorted);
            assertEquals(sorted, order, "the rest stays in order");
        }
    }

    @Test
    void twoConsumersWithDisjointSelectorsSplitEveryMessageBetweenThem() throws Exception {
        int total = 2000;
        try (Connection connection = connect()) {
            Session producerSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = producerSession.createQueue("split");
            Session s1 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Set<String> low = Collections.synchronizedSet(new HashSet<>());
            Set<String> high = Collections.synchronizedSet(new HashSet<>());
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            MessageConsumer c1 = s1.createConsumer(queue, "n / 7 * 7 = n OR color = 'blue'");
            MessageConsumer c2 = s2.createConsumer(queue, "NOT (n / 7 * 7 = n OR color = 'blue')");
            c1.setMessageListener(m -> record(m, low, wrong, true));
            c2.setMessageListener(m -> record(m, high, wrong, false));
            send(producerSession, producerSession.createProducer(queue), total);
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> low.size() + high.size() >= total);
            Set<String> union = new HashSet<>(low);
            union.addAll(high);
            assertEquals(total, union.size(), "together they cover every message");
            assertEquals(total, low.size() + high.size(), "disjoint: no message went to both");
            assertEquals(List.of(), wrong);
            assertTrue(low.size() > 0 && high.size() > 0);
        }
    }

    private static void record(Message m, Set<String> into, List<String> wrong, boolean first) {
        try {
            int n = m.getIntProperty("n");
            boolean wanted = n % 7 == 0 || n % 2 == 1;
            if (wanted != first) {
                wrong.add(((TextMessage) m).getText());
            }
            into.add(((TextMessage) m).getText());
        } catch (Exception e) {
            wrong.add(e.toString());
        }
    }

    @Test
    void aSelectorOnATopicSubscription() throws Exception {
        try (Connection connection = connect("selecting-client")) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = session.createTopic("prices");
            MessageConsumer everything = session.createConsumer(topic);
            MessageConsumer red = session.createConsumer(topic, "color = 'red' AND n > 5");
            MessageConsumer durable = session.createDurableSubscriber(topic, "audit", "n < 3", false);
            send(session, session.createProducer(topic), 12);
            assertEquals(List.of("m6", "m8", "m10"), drain(red, 1000));
            assertEquals(List.of("m0", "m1", "m2"), drain(durable, 1000));
            assertEquals(12, drain(everything, 1000).size());
            durable.close();
            session.unsubscribe("audit");
        }
    }

    @Test
    void noLocalKeepsAConnectionsOwnPublicationsFromItsSubscriber() throws Exception {
        try (Connection mine = connect(); Connection other = connect()) {
            Session session = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic topic = session.createTopic("chat");
            MessageConsumer noLocal = session.createConsumer(topic, null, true);
            MessageConsumer local = session.createConsumer(topic);
            session.createProducer(topic).send(session.createTextMessage("mine"));
            Session otherSession = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            otherSession.createProducer(otherSession.createTopic("chat")).send(otherSession.createTextMessage("theirs"));
            assertEquals(List.of("theirs"), drain(noLocal, 1000));
            assertEquals(List.of("mine", "theirs"), drain(local, 1000));
            assertNull(noLocal.receiveNoWait());
        }
    }
}
