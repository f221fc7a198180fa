package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.queue.MessageQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Session;
import org.apache.qpid.protonj2.client.Tracker;
import org.apache.qpid.protonj2.client.exceptions.ClientTransactionRolledBackException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions and duplicate detection with the Qpid protonj2 client: atomic across queues, and ids remembered
 * across a restart.
 */
@Timeout(60)
class TransactionIT {

    private static final long NOTHING_MORE_MS = 300;

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private Client client;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.start(dataDir, "");
        client = Client.create();
    }

    @AfterEach
    void stop() {
        client.close();
        broker.close();
    }

    private Connection connect() throws Exception {
        return client.connect("127.0.0.1", broker.port());
    }

    private long count(String queue) {
        MessageQueue q = broker.broker().queues().get(queue);
        return q == null ? 0 : q.messageCount();
    }

    private List<String> drain(Connection connection, String queue) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (Receiver receiver = connection.openReceiver("/queues/" + queue)) {
            Delivery d;
            while ((d = receiver.receive(NOTHING_MORE_MS * 3, TimeUnit.MILLISECONDS)) != null) {
                bodies.add((String) d.message().body());
                d.accept();
            }
        }
        return bodies;
    }

    @Test
    void dischargeWithFailLeavesBothQueuesUntouchedAndCommitFillsBoth() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.openSession();
            Sender a = session.openSender("/queues/tx-a");
            Sender b = session.openSender("/queues/tx-b");
            a.openFuture().get(5, TimeUnit.SECONDS);
            b.openFuture().get(5, TimeUnit.SECONDS);

            session.beginTransaction();
            Tracker ta = a.send(Message.create("rolled back").durable(true));
            Tracker tb = b.send(Message.create("rolled back").durable(true));
            ta.awaitSettlement(5, TimeUnit.SECONDS);
            tb.awaitSettlement(5, TimeUnit.SECONDS);
            assertEquals(DeliveryState.Type.TRANSACTIONAL, ta.remoteState().getType());
            session.rollbackTransaction();
            assertEquals(0, count("tx-a"));
            assertEquals(0, count("tx-b"));

            session.beginTransaction();
            a.send(Message.create("committed").durable(true));
            b.send(Message.create("committed").durable(true));
            assertEquals(0, count("tx-a"), "invisible until the discharge");
            session.commitTransaction();
            assertEquals(1, count("tx-a"));
            assertEquals(1, count("tx-b"));
            assertEquals(List.of("committed"), drain(connection, "tx-a"));
            assertEquals(List.of("committed"), drain(connection, "tx-b"));
        }
    }

    /** Restarts the broker with queue {@code name} declared with {@code arguments} (YAML flow mapping). */
    private void restartDeclaring(String name, String arguments) throws Exception {
        broker.close();
        broker = RunningBroker.start(dataDir, "queues:\n  declare:\n    - name: " + name + "\n      arguments: "
                + arguments + "\n");
    }

    private static Sender openedSender(Session session, String queue) throws Exception {
        Sender sender = session.openSender("/queues/" + queue);
        sender.openFuture().get(5, TimeUnit.SECONDS);
        return sender;
    }

    /** Streams keep no invisible prepared records: a transactional publish to one fails its transaction, named. */
    @Test
    void aTransactionalPublishToAStreamRollsTheTransactionBackNamingTheStream() throws Exception {
        restartDeclaring("tx-stream", "{x-queue-type: stream}");
        try (Connection connection = connect()) {
            Session session = connection.openSession();
            Sender sender = openedSender(session, "tx-stream");
            session.beginTransaction();
            sender.send(Message.create("in a transaction").durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            ClientTransactionRolledBackException e = assertThrows(ClientTransactionRolledBackException.class,
                    session::commitTransaction);
            assertTrue(String.valueOf(e.getMessage()).contains("tx-stream"), e.toString());
            assertEquals(0, count("tx-stream"));
            // Outside a transaction the stream takes it.
            connection.openSender("/queues/tx-stream").send(Message.create("plain").durable(true))
                    .awaitSettlement(5, TimeUnit.SECONDS);
            assertEquals(1, count("tx-stream"));
        }
    }

    /** Uncommitted messages hold their place in a queue with x-max-length: a transaction cannot overfill it. */
    @Test
    void aTransactionCannotCommitAQueuePastItsMaxLength() throws Exception {
        restartDeclaring("tx-limited", "{x-max-length: 2, x-overflow: reject-publish}");
        try (Connection connection = connect()) {
            Session session = connection.openSession();
            Sender sender = openedSender(session, "tx-limited");
            session.beginTransaction();
            for (int i = 0; i < 3; i++) {
                sender.send(Message.create("t" + i).durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            }
            ClientTransactionRolledBackException e = assertThrows(ClientTransactionRolledBackException.class,
                    session::commitTransaction);
            assertTrue(String.valueOf(e.getMessage()).contains("full"), e.toString());
            assertEquals(0, count("tx-limited"), "nothing of the transaction");
            session.beginTransaction();
            sender.send(Message.create("a").durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            sender.send(Message.create("b").durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            session.commitTransaction();
            assertEquals(List.of("a", "b"), drain(connection, "tx-limited"));
        }
    }

    @Test
    void transactionalAcksAreAppliedAtCommitAndReturnedAtRollback() throws Exception {
        try (Connection connection = connect()) {
            Sender plain = connection.openSender("/queues/tx-acks");
            plain.send(Message.create("one").durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            Session session = connection.openSession();
            Receiver receiver = session.openReceiver("/queues/tx-acks",
                    new org.apache.qpid.protonj2.client.ReceiverOptions().autoAccept(false));
            session.beginTransaction();
            Delivery first = receiver.receive(5, TimeUnit.SECONDS);
            first.accept();
            session.rollbackTransaction();

            session.beginTransaction();
            Delivery again = receiver.receive(5, TimeUnit.SECONDS);
            assertEquals("one", again.message().body());
            assertEquals(1, again.message().deliveryCount(), "a rolled-back consumption counts as a failed delivery");
            again.accept();
            session.commitTransaction();
            receiver.close();
            assertEquals(0, count("tx-acks"));
        }
    }

    @Test
    void unknownTransactionIdIsRefused() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.openSession();
            assertThrows(Exception.class, session::commitTransaction, "nothing to commit without a begin");
            session.beginTransaction();
            session.commitTransaction();
            // Committing an empty transaction is fine, a second discharge of it is not (client-side check).
            assertThrows(Exception.class, session::commitTransaction);
        }
    }

    @Test
    void sameDuplicateIdIsStoredOnceAlsoAcrossARestart() throws Exception {
        try (Connection connection = connect()) {
            Sender sender = connection.openSender("/queues/dedup");
            for (int i = 0; i < 2; i++) {
                Tracker t = sender.send(Message.create("payment " + i).durable(true)
                        .property("_AMQ_DUPL_ID", "payment-42"));
                t.awaitSettlement(5, TimeUnit.SECONDS);
                assertEquals(DeliveryState.Type.ACCEPTED, t.remoteState().getType(),
                        "a duplicate is accepted (and dropped)");
            }
            assertEquals(1, count("dedup"));
            assertEquals(List.of("payment 0"), drain(connection, "dedup"));
        }
        broker.close();
        broker = RunningBroker.start(dataDir, "");
        try (Connection connection = connect()) {
            Sender sender = connection.openSender("/queues/dedup");
            sender.send(Message.create("payment again").durable(true).property("_AMQ_DUPL_ID", "payment-42"))
                    .awaitSettlement(5, TimeUnit.SECONDS);
            sender.send(Message.create("other").durable(true).property("_AMQ_DUPL_ID", "payment-43"))
                    .awaitSettlement(5, TimeUnit.SECONDS);
            assertEquals(List.of("other"), drain(connection, "dedup"), "the window survived the restart");
        }
    }

    @Test
    void messageIdDeduplicationWhenTheQueueAsksForIt() throws Exception {
        try (Connection connection = connect()) {
            try (ManagementClient management = new ManagementClient(connection)) {
                ManagementClient.Response declared = management.call("PUT", "/queues/by-message-id",
                        Map.of("durable", true, "arguments", Map.of("x-message-deduplication", "message-id",
                                "x-dedup-window-size", 2L)));
                assertEquals(201, declared.status(), String.valueOf(declared.body()));
            }
            Sender sender = connection.openSender("/queues/by-message-id");
            for (String id : List.of("m1", "m1", "m2", "m3", "m1")) {
                sender.send(Message.create(id).messageId(id).durable(true)).awaitSettlement(5, TimeUnit.SECONDS);
            }
            // m1 was pushed out of the two-id window by m2 and m3, so its third copy is new again.
            assertEquals(List.of("m1", "m2", "m3", "m1"), drain(connection, "by-message-id"));
        }
    }

    @Test
    void aSessionThatEndsRollsBackItsTransactionAndFreesItsIds() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.openSession();
            Sender sender = session.openSender("/queues/tx-session");
            session.beginTransaction();
            sender.send(Message.create("never committed").property("_AMQ_DUPL_ID", "s-1"))
                    .awaitSettlement(5, TimeUnit.SECONDS);
            session.close();
            Sender plain = connection.openSender("/queues/tx-session");
            plain.send(Message.create("stored").property("_AMQ_DUPL_ID", "s-1")).awaitSettlement(5, TimeUnit.SECONDS);
            assertEquals(List.of("stored"), drain(connection, "tx-session"));
        }
    }

    @Test
    void aCommitThatMustRollBackSaysSo() throws Exception {
        try (Connection connection = connect()) {
            Sender plain = connection.openSender("/queues/tx-dup2");
            plain.send(Message.create("x").property("_AMQ_DUPL_ID", "k")).awaitSettlement(5, TimeUnit.SECONDS);
            Session session = connection.openSession();
            Sender sender = session.openSender("/queues/tx-dup2");
            session.beginTransaction();
            sender.send(Message.create("y").property("_AMQ_DUPL_ID", "k"));
            ClientTransactionRolledBackException e = assertThrows(ClientTransactionRolledBackException.class,
                    session::commitTransaction);
            assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
            assertEquals(1, count("tx-dup2"));
        }
    }
}
