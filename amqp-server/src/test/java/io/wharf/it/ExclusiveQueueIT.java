package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.exceptions.ClientLinkRemotelyClosedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An exclusive queue belongs to the connection that declared it: others may publish to it but not consume. */
@Timeout(60)
class ExclusiveQueueIT {

    @TempDir
    Path dataDir;

    @Test
    void onlyTheDeclaringConnectionConsumes() throws Exception {
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, "");
             Environment environment = new AmqpEnvironmentBuilder().build();
             Client client = Client.create()) {
            Connection owner = environment.connectionBuilder().host("127.0.0.1").port(broker.port())
                    .username("alice").password("secret").recovery().activated(false).connectionBuilder().build();
            Management management = owner.management();
            management.queue("mine").exclusive(true).declare();

            org.apache.qpid.protonj2.client.Connection other = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user("alice").password("secret"));
            // publishing from another connection is allowed
            other.openSender("/queues/mine").send(Message.create("for the owner")).awaitAccepted(5, TimeUnit.SECONDS);
            // consuming is not
            Receiver intruder = other.openReceiver("/queues/mine");
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> intruder.openFuture().get(5, TimeUnit.SECONDS));
            ClientLinkRemotelyClosedException closed = (ClientLinkRemotelyClosedException) refused.getCause();
            assertEquals("amqp:resource-locked", closed.getErrorCondition().condition());

            // the owner consumes it
            java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
            owner.consumerBuilder().queue("mine").messageHandler((context, message) -> {
                got.add(new String(message.body(), java.nio.charset.StandardCharsets.UTF_8));
                context.accept();
            }).build();
            assertNotNull(got.poll(10, TimeUnit.SECONDS));

            // and the queue goes with its connection
            owner.close();
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> broker.broker().queues().get("mine") == null);
            other.close();
        }
    }
}
