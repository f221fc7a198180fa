package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a durable queue and declaring one of the same name at once (what test suites and deploy scripts do):
 * the new queue starts empty, keeps what it is given, and its definition survives a restart. The old queue's
 * storage is removed in the background; the new one waits for that rather than inherit or lose files.
 */
class QueueRedeclareIT {

    @TempDir
    Path dataDir;

    private static long messageCount(ManagementClient management) throws Exception {
        Map<?, ?> info = (Map<?, ?>) management.call("GET", "/queues/jobs", null).body();
        return ((Number) info.get("message_count")).longValue();
    }

    @Test
    void aQueueRedeclaredRightAfterItsDeleteStartsEmptyAndSurvivesARestart() throws Exception {
        try (Client client = Client.create()) {
            for (int round = 0; round < 20; round++) {
                try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "")) {
                    Connection connection = client.connect("127.0.0.1", broker.port(),
                            new ConnectionOptions().user("alice").password("secret"));
                    try (ManagementClient management = new ManagementClient(connection)) {
                        if (round > 0) {
                            // The definition stored in the previous round came back, with its one message.
                            assertEquals(200, management.call("GET", "/queues/jobs", null).status(), "round " + round);
                            Receiver kept = connection.openReceiver("/queues/jobs");
                            assertEquals("kept " + (round - 1), kept.receive(10, SECONDS).message().body());
                            kept.close();
                        } else {
                            assertEquals(201, management.call("PUT", "/queues/jobs", Map.of()).status());
                        }
                        Sender sender = connection.openSender("/queues/jobs");
                        sender.send(Message.create("old " + round)).awaitAccepted(10, SECONDS);
                        sender.close();
                        assertEquals(200, management.call("DELETE", "/queues/jobs", null).status());
                        assertEquals(201, management.call("PUT", "/queues/jobs", Map.of()).status());
                        // A new link: one attached to the deleted queue does not follow the name to the new one.
                        Sender again = connection.openSender("/queues/jobs");
                        again.send(Message.create("kept " + round)).awaitAccepted(10, SECONDS);
                        again.close();
                        // The count follows the accept on the queue's thread: wait for it to settle, then it must be 1.
                        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).until(
                                () -> messageCount(management) == 1L);
                    }
                    connection.close();
                }
            }
            try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "")) {
                Connection connection = client.connect("127.0.0.1", broker.port(),
                        new ConnectionOptions().user("alice").password("secret"));
                Receiver receiver = connection.openReceiver("/queues/jobs");
                assertEquals("kept 19", receiver.receive(10, SECONDS).message().body());
                assertNull(receiver.receive(300, java.util.concurrent.TimeUnit.MILLISECONDS));
                connection.close();
            }
        }
    }
}
