package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Session;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker JVM killed with SIGKILL between many commits: after the restart every committed transaction is whole
 * and nothing of an uncommitted one is visible. One client publishes message n to queues A and B in one
 * transaction (every fifth one rolled back); another moves messages from A to C, consume and produce in one
 * transaction. Afterwards B holds exactly the committed publishes (plus at most the one in doubt at the kill),
 * and each of them is in exactly one of A and C.
 */
@Timeout(180)
class TransactionCrashIT {

    private static final int COMMITS_BEFORE_KILL = 300;
    private static final int MOVES_BEFORE_KILL = 50;

    @TempDir
    Path dir;

    @Test
    void committedTransactionsAreWholeAndUncommittedOnesLeaveNoTrace() throws Exception {
        String yaml = "amqp:\n  host: 127.0.0.1\n  port: 0\ndata-dir: " + dir.resolve("data")
                + "\nstore:\n  fsync: batch\n";
        Set<Integer> committed = ConcurrentHashMap.newKeySet();
        Set<Integer> rolledBack = ConcurrentHashMap.newKeySet();
        Set<Integer> moved = ConcurrentHashMap.newKeySet();
        int[] inDoubt = {-1};
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

        try (ForkedBroker broker = ForkedBroker.start(dir, yaml); Client client = Client.create()) {
            Connection producerConnection = client.connect("127.0.0.1", broker.port());
            Connection moverConnection = client.connect("127.0.0.1", broker.port());
            Thread producer = new Thread(() -> {
                try {
                    Session session = producerConnection.openSession();
                    Sender a = session.openSender("/queues/crash-a");
                    Sender b = session.openSender("/queues/crash-b");
                    for (int n = 0; ; n++) {
                        inDoubt[0] = n;
                        session.beginTransaction();
                        a.send(Message.create("n" + n).durable(true).property("n", n));
                        b.send(Message.create("n" + n).durable(true).property("n", n));
                        if (n % 5 == 4) {
                            session.rollbackTransaction();
                            rolledBack.add(n);
                        } else {
                            session.commitTransaction();
                            committed.add(n);
                        }
                    }
                } catch (Exception expectedAtTheCrash) {
                    failures.add(expectedAtTheCrash); // the broker died under us, or (before the kill) a bug
                }
            }, "tx-producer");
            Thread mover = new Thread(() -> {
                try {
                    Session session = moverConnection.openSession();
                    Receiver in = session.openReceiver("/queues/crash-a",
                            new ReceiverOptions().autoAccept(false).creditWindow(10));
                    Sender out = session.openSender("/queues/crash-c");
                    while (true) {
                        session.beginTransaction();
                        Delivery d = in.receive(100, TimeUnit.MILLISECONDS);
                        if (d == null) {
                            session.rollbackTransaction();
                            continue;
                        }
                        int n = ((Number) d.message().property("n")).intValue();
                        out.send(Message.create("moved n" + n).durable(true).property("n", n));
                        d.accept();
                        session.commitTransaction();
                        moved.add(n);
                    }
                } catch (Exception expectedAtTheCrash) {
                    failures.add(expectedAtTheCrash); // the broker died under us, or (before the kill) a bug
                }
            }, "tx-mover");
            producer.start();
            mover.start();
            Awaitility.await().atMost(120, SECONDS).conditionEvaluationListener(e -> System.out.printf(
                    "progress: %d committed, %d moved%n", committed.size(), moved.size())).until(() -> !failures.isEmpty()
                    || committed.size() >= COMMITS_BEFORE_KILL && moved.size() >= MOVES_BEFORE_KILL);
            assertEquals(List.of(), failures, "a client failed before the kill");
            broker.kill();
            producer.join(30_000);
            mover.join(30_000);
        }

        List<Integer> a;
        List<Integer> b;
        List<Integer> c;
        // The restart runs in this JVM, so the queues can be looked at when something is missing.
        try (RunningBroker restarted = RunningBroker.start(dir.resolve("data"), "store:\n  fsync: batch\n");
             Client client = Client.create();
             Connection connection = client.connect("127.0.0.1", restarted.port())) {
            long recoveredInA = restarted.broker().queues().get("crash-a").messageCount();
            a = drain(connection, "crash-a");
            b = drain(connection, "crash-b");
            c = drain(connection, "crash-c");
            System.out.println("A held " + recoveredInA + " after recovery; now holds "
                    + restarted.broker().queues().get("crash-a").messageCount() + " with "
                    + restarted.broker().queues().get("crash-a").consumerCount() + " consumers");
        }
        System.out.printf("transaction crash test: %d committed, %d rolled back, %d moved before kill -9; after "
                + "restart A=%d B=%d C=%d%n", committed.size(), rolledBack.size(), moved.size(), a.size(), b.size(),
                c.size());

        assertEquals(b.size(), new HashSet<>(b).size(), "a publish appears twice in B");
        Set<Integer> inB = new HashSet<>(b);
        Set<Integer> missing = new HashSet<>(committed);
        missing.removeAll(inB);
        assertEquals(Set.of(), missing, "committed publishes missing after the crash");
        Set<Integer> extra = new HashSet<>(inB);
        extra.removeAll(committed);
        extra.remove(inDoubt[0]);
        assertEquals(Set.of(), extra, "publishes of transactions that never committed are visible");
        for (int n : rolledBack) {
            assertTrue(!a.contains(n) && !b.contains(n) && !c.contains(n), "rolled-back publish " + n + " is visible");
        }
        // Whole: every publish in B is in exactly one of A (not moved yet) and C (moved: consumed and produced).
        List<Integer> aAndC = new ArrayList<>(a);
        aAndC.addAll(c);
        aAndC.sort(null);
        List<Integer> sortedB = new ArrayList<>(b);
        sortedB.sort(null);
        assertEquals(sortedB, aAndC, "a move was half applied (consumed without its copy, or copied twice)");
        Set<Integer> movedMissing = new HashSet<>(moved);
        movedMissing.removeAll(c);
        assertEquals(Set.of(), movedMissing, "committed moves missing from C");
    }

    private static List<Integer> drain(Connection connection, String queue) throws Exception {
        List<Integer> ns = new ArrayList<>();
        try (Receiver receiver = connection.openReceiver("/queues/" + queue,
                new ReceiverOptions().autoAccept(false).creditWindow(500))) {
            Delivery d;
            while ((d = receiver.receive(5, SECONDS)) != null) {
                ns.add(((Number) d.message().property("n")).intValue());
                d.accept();
            }
        }
        return ns;
    }
}
