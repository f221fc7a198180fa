package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Queues and their messages live in the data directory: a restart brings them back; a full disk stops publishers. */
@Timeout(90)
class DurabilityIT {

    @TempDir
    Path dataDir;

    private static Connection connect(RunningBroker broker) throws JMSException {
        Connection connection = new JmsConnectionFactory("alice", "secret", broker.jmsUri()).createConnection();
        connection.start();
        return connection;
    }

    @Test
    void queuesAndTheirMessagesSurviveARestart() throws Exception {
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "")) {
            try (Connection connection = connect(broker)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("kept"));
                for (int i = 0; i < 100; i++) {
                    producer.send(session.createTextMessage("k" + i));
                }
                session.createProducer(session.createQueue("/queues/odd%2Fname%20%C3%A9"))
                        .send(session.createTextMessage("odd"));
                // half of them consumed and acknowledged before the restart
                MessageConsumer consumer = session.createConsumer(session.createQueue("kept"));
                for (int i = 0; i < 50; i++) {
                    assertEquals("k" + i, ((TextMessage) consumer.receive(5_000)).getText());
                }
                consumer.close();
            }
        }
        try (RunningBroker restarted = RunningBroker.withTestUser(dataDir, "queues:\n  auto-create: false\n")) {
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> restarted.broker().queues().get("kept") != null
                    && restarted.broker().queues().get("kept").messageCount() == 50);
            assertNotNull(restarted.broker().queues().get("odd/name é"));
            try (Connection connection = connect(restarted)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue("kept"));
                for (int i = 50; i < 100; i++) {
                    TextMessage m = (TextMessage) consumer.receive(5_000);
                    assertNotNull(m, "message k" + i);
                    assertEquals("k" + i, m.getText());
                }
                assertNull(consumer.receive(300));
                assertEquals("odd", ((TextMessage) session.createConsumer(
                        session.createQueue("/queues/odd%2Fname%20%C3%A9")).receive(5_000)).getText());
            }
        }
    }

    @Test
    void lowDiskRefusesPublishersWhileConsumersDrain() throws Exception {
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "")) {
            try (Connection connection = connect(broker)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("backlog"));
                for (int i = 0; i < 10; i++) {
                    producer.send(session.createTextMessage("b" + i));
                }
            }
        }
        // A threshold no disk meets: the broker starts in the low-disk state.
        String lowDisk = "store:\n  min-free-disk-bytes: " + Long.MAX_VALUE + "\n";
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, lowDisk);
             Connection connection = connect(broker)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("backlog"));
            JMSException refused = assertThrows(JMSException.class,
                    () -> producer.send(session.createTextMessage("refused")));
            assertTrue(String.valueOf(refused.getMessage()).contains("disk"), refused.getMessage());
            MessageConsumer consumer = session.createConsumer(session.createQueue("backlog"));
            for (int i = 0; i < 10; i++) {
                assertEquals("b" + i, ((TextMessage) consumer.receive(5_000)).getText());
            }
            assertNull(consumer.receive(300));
        }
    }
}
