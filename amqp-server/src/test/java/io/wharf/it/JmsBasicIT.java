package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void sendsAndReceivesInOrder() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("alice", "secret", broker.jmsUri());
        try (Connection connection = factory.createConnection()) {
            connection.start();
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
        }
    }
}
