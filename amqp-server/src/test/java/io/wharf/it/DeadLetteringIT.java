package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.types.Symbol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead-lettering through an exchange: topology declared with the RabbitMQ AMQP 1.0 client, messages moved with the
 * protonj2 client; the dead-lettered message carries x-opt-deaths and the first-death annotations.
 */
@Timeout(60)
class DeadLetteringIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Environment environment;
    Client client;
    org.apache.qpid.protonj2.client.Connection connection;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        environment = new AmqpEnvironmentBuilder().build();
        try (Connection admin = environment.connectionBuilder().host("127.0.0.1").port(broker.port())
                .username("alice").password("secret").recovery().activated(false).connectionBuilder().build()) {
            Management management = admin.management();
            management.exchange("dlx").type(Management.ExchangeType.FANOUT).declare();
            management.queue("dead").declare();
            management.binding().sourceExchange("dlx").destinationQueue("dead").key("").bind();
            management.queue("work").deadLetterExchange("dlx").argument("x-delivery-limit", 1L).declare();
            management.queue("short").deadLetterExchange("dlx").deadLetterRoutingKey("expired-key")
                    .messageTtl(java.time.Duration.ofMillis(100)).declare();
            management.queue("capped").deadLetterExchange("dlx").maxLength(2L).declare();
            management.queue("guarded").deadLetterExchange("dlx").maxLength(1L)
                    .argument("x-overflow", "reject-publish-dlx").declare();
        }
        client = Client.create();
        connection = client.connect("127.0.0.1", broker.port(), new ConnectionOptions().user("alice").password("secret"));
    }

    @AfterEach
    void stop() {
        connection.close();
        client.close();
        environment.close();
        broker.close();
    }

    private Delivery deadLetter() throws Exception {
        Receiver dead = connection.openReceiver("/queues/dead");
        Delivery delivery = dead.receive(10, TimeUnit.SECONDS);
        assertNotNull(delivery, "nothing was dead-lettered");
        return delivery;
    }

    @Test
    void rejectedMessageIsDeadLetteredWithDeaths() throws Exception {
        Sender sender = connection.openSender("/queues/work");
        sender.send(Message.create("poison").subject("jobs")).awaitAccepted(5, TimeUnit.SECONDS);
        Receiver work = connection.openReceiver("/queues/work", new ReceiverOptions().autoAccept(false));
        work.receive(5, TimeUnit.SECONDS).disposition(DeliveryState.rejected("bad", "cannot parse"), true);

        Delivery dead = deadLetter();
        Message<Object> message = dead.message();
        assertEquals("poison", message.body());
        assertEquals("work", message.annotation("x-first-death-queue"));
        assertEquals(Symbol.valueOf("rejected"), message.annotation("x-first-death-reason"));
        List<?> deaths = (List<?>) message.annotation("x-opt-deaths");
        assertEquals(1, deaths.size());
        Map<?, ?> death = (Map<?, ?>) deaths.get(0);
        assertEquals("work", death.get(Symbol.valueOf("queue")));
        assertEquals(List.of("jobs"), death.get(Symbol.valueOf("routing-keys")));
        assertTrue(message.firstAcquirer(), "a new life in the dead-letter queue");
        dead.accept();
    }

    @Test
    void pastTheDeliveryLimitIsDeadLettered() throws Exception {
        connection.openSender("/queues/work").send(Message.create("flaky")).awaitAccepted(5, TimeUnit.SECONDS);
        Receiver work = connection.openReceiver("/queues/work", new ReceiverOptions().autoAccept(false));
        for (int attempt = 0; attempt < 2; attempt++) {
            Delivery d = work.receive(5, TimeUnit.SECONDS);
            assertNotNull(d, "attempt " + attempt);
            d.disposition(DeliveryState.modified(true, false), true);
        }
        Delivery dead = deadLetter();
        assertEquals("flaky", dead.message().body());
        assertEquals(Symbol.valueOf("delivery_limit"), dead.message().annotation("x-first-death-reason"));
    }

    @Test
    void expiredMessageIsDeadLetteredWithTheConfiguredKey() throws Exception {
        connection.openSender("/queues/short").send(Message.create("late")).awaitAccepted(5, TimeUnit.SECONDS);
        Delivery dead = deadLetter();
        assertEquals("late", dead.message().body());
        assertEquals(Symbol.valueOf("expired"), dead.message().annotation("x-first-death-reason"));
        assertEquals("short", dead.message().annotation("x-first-death-queue"));
    }

    @Test
    void droppedHeadOfAFullQueueIsDeadLetteredAsMaxlen() throws Exception {
        Sender sender = connection.openSender("/queues/capped");
        for (String body : List.of("m0", "m1", "m2")) {
            sender.send(Message.create(body)).awaitAccepted(5, TimeUnit.SECONDS);
        }
        Delivery dead = deadLetter();
        assertEquals("m0", dead.message().body(), "the oldest makes room");
        assertEquals(Symbol.valueOf("maxlen"), dead.message().annotation("x-first-death-reason"));
        assertEquals("capped", dead.message().annotation("x-first-death-queue"));
        Receiver capped = connection.openReceiver("/queues/capped");
        assertEquals("m1", capped.receive(5, TimeUnit.SECONDS).message().body());
        assertEquals("m2", capped.receive(5, TimeUnit.SECONDS).message().body());
    }

    @Test
    void rejectPublishDlxRefusesTheNewMessageAndDeadLettersIt() throws Exception {
        Sender sender = connection.openSender("/queues/guarded");
        sender.send(Message.create("kept")).awaitAccepted(5, TimeUnit.SECONDS);
        org.apache.qpid.protonj2.client.Tracker refused = sender.send(Message.create("refused"));
        refused.awaitSettlement(5, TimeUnit.SECONDS);
        assertEquals(DeliveryState.Type.REJECTED, refused.remoteState().getType());

        Delivery dead = deadLetter();
        assertEquals("refused", dead.message().body());
        assertEquals(Symbol.valueOf("maxlen"), dead.message().annotation("x-first-death-reason"));
        Receiver guarded = connection.openReceiver("/queues/guarded");
        assertEquals("kept", guarded.receive(5, TimeUnit.SECONDS).message().body());
    }
}
