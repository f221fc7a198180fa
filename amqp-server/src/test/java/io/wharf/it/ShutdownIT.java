package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.ErrorCondition;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.exceptions.ClientConnectionRemotelyClosedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops the broker gracefully: clients get a close frame (amqp:connection:forced), the JVM exits. */
@Timeout(90)
class ShutdownIT {

    @TempDir
    Path dir;

    @Test
    void sigtermClosesConnectionsWithConnectionForced() throws Exception {
        String yaml = "amqp:\n  host: 127.0.0.1\n  port: 0\ndata-dir: " + dir.resolve("data") + "\n";
        try (ForkedBroker broker = ForkedBroker.start(dir, yaml);
             Client client = Client.create()) {
            java.util.concurrent.atomic.AtomicReference<ErrorCondition> closedWith =
                    new java.util.concurrent.atomic.AtomicReference<>();
            ConnectionOptions options = new ConnectionOptions()
                    .disconnectedHandler((connection, event) -> {
                        if (event.failureCause() instanceof ClientConnectionRemotelyClosedException remote) {
                            closedWith.set(remote.getErrorCondition());
                        }
                    });
            Connection connection = client.connect("127.0.0.1", broker.port(), options);
            Receiver receiver = connection.openReceiver("/queues/shutdown");
            connection.openSender("/queues/shutdown").send(Message.create("before")).settlementFuture()
                    .get(10, TimeUnit.SECONDS);
            assertEquals("before", receiver.receive(10, TimeUnit.SECONDS).message().body());

            int exit = broker.terminate();

            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> closedWith.get() != null);
            assertEquals("amqp:connection:forced", closedWith.get().condition());
            // 143 = 128 + SIGTERM: the JVM ran its shutdown hook and exited on the signal
            assertEquals(143, exit, broker.output());
            assertTrue(broker.output().contains("Wharf stopped"), broker.output());
        }
    }
}
