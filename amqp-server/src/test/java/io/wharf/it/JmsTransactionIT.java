package io.wharf.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AMQP 1.0 transactions as Qpid JMS uses them: {@code Session.SESSION_TRANSACTED}, commit and rollback. */
@Timeout(60)
class JmsTransactionIT {

    private static final long ARRIVES_MS = 5_000;
    private static final long NOTHING_MORE_MS = 300;

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Connection connection;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        connection = new JmsConnectionFactory("alice", "secret", broker.jmsUri()).createConnection();
        connection.start();
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        broker.close();
    }

    private void sendPlain(String queue, String... texts) throws Exception {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            for (String text : texts) {
                producer.send(session.createTextMessage(text));
            }
        }
    }

    /** Everything waiting in {@code queue}, taken with a plain auto-acknowledging consumer. */
    private List<String> drain(String queue) throws Exception {
        List<String> texts = new ArrayList<>();
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            TextMessage m = (TextMessage) consumer.receive(ARRIVES_MS);
            while (m != null) {
                texts.add(m.getText());
                m = (TextMessage) consumer.receive(NOTHING_MORE_MS);
            }
        }
        return texts;
    }

    private long count(String queue) {
        return broker.broker().queues().get(queue).messageCount();
    }

    @Test
    void transactedProducerRollbackLeavesNothingAndCommitPublishesAll() throws Exception {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(session.createQueue("tx-produce"));
        producer.send(session.createTextMessage("r1"));
        producer.send(session.createTextMessage("r2"));
        session.rollback();
        assertEquals(0, count("tx-produce"));

        producer.send(session.createTextMessage("c1"));
        producer.send(session.createTextMessage("c2"));
        producer.send(session.createTextMessage("c3"));
        assertEquals(0, count("tx-produce"), "nothing is visible before the commit");
        session.commit();
        assertEquals(List.of("c1", "c2", "c3"), drain("tx-produce"));
        session.close();
    }

    @Test
    void transactedConsumerRollbackRedeliversAndCommitRemoves() throws Exception {
        sendPlain("tx-consume", "m1", "m2");
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = session.createConsumer(session.createQueue("tx-consume"));
        TextMessage first = (TextMessage) consumer.receive(ARRIVES_MS);
        assertEquals("m1", first.getText());
        assertFalse(first.getJMSRedelivered());
        TextMessage second = (TextMessage) consumer.receive(ARRIVES_MS);
        assertEquals("m2", second.getText());
        session.rollback();

        TextMessage again = (TextMessage) consumer.receive(ARRIVES_MS);
        assertNotNull(again, "a rolled-back message is delivered again");
        assertEquals("m1", again.getText());
        assertTrue(again.getJMSRedelivered());
        assertTrue(again.getIntProperty("JMSXDeliveryCount") >= 2);
        TextMessage againSecond = (TextMessage) consumer.receive(ARRIVES_MS);
        assertEquals("m2", againSecond.getText());
        session.commit();
        consumer.close();
        session.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> count("tx-consume") == 0);
        assertEquals(List.of(), drain("tx-consume"));
    }

    @Test
    void consumeTransformProduceInOneTransaction() throws Exception {
        sendPlain("ctp-in", "a", "b", "c");
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer in = session.createConsumer(session.createQueue("ctp-in"));
        MessageProducer out = session.createProducer(session.createQueue("ctp-out"));

        // One round rolled back: the input comes back, the output never appears.
        TextMessage m = (TextMessage) in.receive(ARRIVES_MS);
        out.send(session.createTextMessage(m.getText().toUpperCase()));
        session.rollback();
        assertEquals(0, count("ctp-out"));

        for (int i = 0; i < 3; i++) {
            m = (TextMessage) in.receive(ARRIVES_MS);
            assertNotNull(m);
            out.send(session.createTextMessage(m.getText().toUpperCase()));
            session.commit();
        }
        assertNull(in.receive(NOTHING_MORE_MS));
        in.close();
        session.close();
        assertEquals(List.of("A", "B", "C"), drain("ctp-out"));
        await().atMost(Duration.ofSeconds(5)).until(() -> count("ctp-in") == 0);
    }

    @Test
    void twoTransactionsOnTwoSessionsInterleave() throws Exception {
        Session one = connection.createSession(true, Session.SESSION_TRANSACTED);
        Session two = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer p1 = one.createProducer(one.createQueue("tx-two"));
        MessageProducer p2 = two.createProducer(two.createQueue("tx-two"));
        p1.send(one.createTextMessage("one-1"));
        p2.send(two.createTextMessage("two-1"));
        p1.send(one.createTextMessage("one-2"));
        p2.send(two.createTextMessage("two-2"));
        one.commit();
        assertEquals(2, count("tx-two"), "only the first session's commit is visible");
        two.rollback();
        p2.send(two.createTextMessage("two-3"));
        p1.send(one.createTextMessage("one-3"));
        two.commit();
        one.rollback();
        assertEquals(List.of("one-1", "one-2", "two-3"), drain("tx-two"));
        one.close();
        two.close();
    }

    @Test
    void duplicateIdInsideATransactionRollsItBack() throws Exception {
        sendPlainWithId("tx-dup", "first", "order-1");
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageProducer producer = session.createProducer(session.createQueue("tx-dup"));
        TextMessage fresh = session.createTextMessage("fresh");
        fresh.setStringProperty("_AMQ_DUPL_ID", "order-2");
        producer.send(fresh);
        TextMessage again = session.createTextMessage("again");
        again.setStringProperty("_AMQ_DUPL_ID", "order-1");
        producer.send(again);
        // Qpid JMS 2.x reports a refused commit as JmsTransactionInDoubtException; the broker rolled it back.
        JMSException refused = assertThrows(JMSException.class, session::commit);
        assertTrue(refused.getMessage().contains("duplicate"), refused.getMessage());
        session.close();
        assertEquals(List.of("first"), drain("tx-dup"));
        // The rolled-back transaction's id is free again.
        sendPlainWithId("tx-dup", "fresh", "order-2");
        assertEquals(List.of("fresh"), drain("tx-dup"));
    }

    private void sendPlainWithId(String queue, String text, String id) throws Exception {
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            TextMessage m = session.createTextMessage(text);
            m.setStringProperty("_AMQ_DUPL_ID", id);
            producer.send(m);
        }
    }
}
