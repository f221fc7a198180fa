package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.exchange.PartitionHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned streams and consumer groups (issue 7) with the Qpid protonj2 client: a stream of 6 partitions
 * declared over the management link pair, messages routed by key (same key, same partition, order kept), a group
 * of 3 members each reading 2 partitions exclusively, rebalanced when one leaves so the other 2 read all 6 without
 * skipping a message, a second group reading everything on its own, and the declaration and the group's offsets
 * surviving a restart.
 */
@Timeout(120)
class PartitionedStreamIT {

    private static final String OFFSET = "x-stream-offset";
    private static final String PARTITION = "x-stream-partition";
    private static final int PARTITIONS = 6;

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;
    Connection connection;
    ManagementClient management;
    final List<Member> members = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        client = Client.create();
        connect();
    }

    private void connect() throws Exception {
        connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        management = new ManagementClient(connection);
    }

    @AfterEach
    void stop() throws Exception {
        for (Member m : members) {
            m.close();
        }
        management.close();
        connection.close();
        client.close();
        broker.close();
    }

    private void declare(String stream, int partitions) throws Exception {
        ManagementClient.Response declared = management.call("PUT", "/queues/" + stream, Map.of("durable", true,
                "arguments", Map.of("x-queue-type", "stream", "x-partitions", (long) partitions)));
        assertEquals(201, declared.status(), "declare: " + declared.body());
    }

    /** One message received and accepted by a member. */
    record Received(String member, int partition, long offset, String key, int seq) {
    }

    /** A consumer link on the partitioned stream, receiving and accepting on its own thread. */
    final class Member implements AutoCloseable {
        final String name;
        final Connection own;
        final Receiver receiver;
        final ConcurrentLinkedQueue<Received> received;
        final Thread thread;
        volatile boolean stopped;

        Member(String name, String group, ConcurrentLinkedQueue<Received> sink) throws Exception {
            this.name = name;
            this.received = sink;
            own = client.connect("127.0.0.1", broker.port(), new ConnectionOptions().user("alice")
                    .password("secret"));
            ReceiverOptions options = new ReceiverOptions().autoAccept(false).creditWindow(50);
            if (group != null) {
                options.properties(Map.of("wharf:consumer-group", group));
            }
            options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec",
                    "first");
            receiver = own.openReceiver("/queues/orders", options).openFuture().get(10, TimeUnit.SECONDS);
            thread = new Thread(this::run, "member-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!stopped) {
                    Delivery delivery = receiver.receive(100, TimeUnit.MILLISECONDS);
                    if (delivery == null) {
                        continue;
                    }
                    Message<Object> message = delivery.message();
                    String[] body = String.valueOf(message.body()).split(":");
                    delivery.accept();
                    received.add(new Received(name, ((Number) message.annotation(PARTITION)).intValue(),
                            (Long) message.annotation(OFFSET), body[0], Integer.parseInt(body[1])));
                }
            } catch (Exception e) {
                if (!stopped) {
                    throw new IllegalStateException(e);
                }
            }
        }

        /** Stops receiving and closes the link (detach: the member leaves its group). */
        @Override
        public void close() throws Exception {
            if (stopped) {
                return;
            }
            stopped = true;
            thread.join(5000);
            receiver.closeAsync().get(10, TimeUnit.SECONDS);
            own.close();
        }
    }

    private Member member(String name, String group, ConcurrentLinkedQueue<Received> sink) throws Exception {
        Member m = new Member(name, group, sink);
        members.add(m);
        return m;
    }

    /** Publishes {@code key:seq} for each key, seq in [from, to), through {@code /queues/orders} with the subject. */
    private static void publish(Sender sender, int keys, int from, int to) throws Exception {
        List<Tracker> trackers = new ArrayList<>();
        for (int seq = from; seq < to; seq++) {
            for (int k = 0; k < keys; k++) {
                String key = "k" + k;
                trackers.add(sender.send(Message.create(key + ":" + seq).subject(key)));
            }
        }
        for (Tracker t : trackers) {
            t.awaitSettlement(20, TimeUnit.SECONDS);
            assertEquals(DeliveryState.Type.ACCEPTED, t.remoteState().getType(), "publish outcome");
        }
    }

    private static Set<String> ids(Iterable<Received> received) {
        Set<String> ids = new HashSet<>();
        for (Received r : received) {
            ids.add(r.key() + ":" + r.seq());
        }
        return ids;
    }

    private static Set<String> expectedIds(int keys, int from, int to) {
        Set<String> ids = new HashSet<>();
        for (int seq = from; seq < to; seq++) {
            for (int k = 0; k < keys; k++) {
                ids.add("k" + k + ":" + seq);
            }
        }
        return ids;
    }

    /** Partition -> the members that received messages of it. */
    private static Map<Integer, Set<String>> readers(List<Received> received) {
        Map<Integer, Set<String>> readers = new TreeMap<>();
        for (Received r : received) {
            readers.computeIfAbsent(r.partition(), p -> new TreeSet<>()).add(r.member());
        }
        return readers;
    }

    /** Every message sits in the partition its key hashes to; each member saw each key's messages in order. */
    private static void assertKeyedAndOrdered(List<Received> received) {
        Map<String, Integer> last = new HashMap<>();
        for (Received r : received) {
            assertEquals(PartitionHash.partition(r.key(), PARTITIONS), r.partition(), "partition of " + r);
            Integer before = last.put(r.member() + "/" + r.key(), r.seq());
            assertTrue(before == null || before < r.seq(), "order of key " + r.key() + " at " + r.member()
                    + ": " + before + " then " + r.seq());
        }
    }

    @Test
    void threeMembersShareSixPartitionsAndTheRemainingTwoTakeOverWithoutSkipping() throws Exception {
        declare("orders", PARTITIONS);
        ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
        Member a = member("a", "g", received);
        Member b = member("b", "g", received);
        Member c = member("c", "g", received);
        Sender sender = connection.openSender("/queues/orders").openFuture().get(10, TimeUnit.SECONDS);
        int keys = 100;

        // Wait for the group to settle: one message per key until every member holds exactly 2 partitions.
        int[] seq = {0};
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            received.clear();
            publish(sender, keys, seq[0], seq[0] + 1);
            Set<String> want = expectedIds(keys, seq[0], seq[0] + 1);
            seq[0]++;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ids(received).containsAll(want));
            Map<Integer, Set<String>> readers = readers(List.copyOf(received));
            Map<String, Long> held = readers.values().stream().flatMap(Set::stream)
                    .collect(Collectors.groupingBy(m -> m, Collectors.counting()));
            return readers.size() == PARTITIONS && readers.values().stream().allMatch(s -> s.size() == 1)
                    && held.equals(Map.of("a", 2L, "b", 2L, "c", 2L));
        });
        int start = seq[0];
        received.clear();

        // Phase 1: the three members; each partition is read by exactly one of them.
        publish(sender, keys, start, start + 20);
        Set<String> phase1 = expectedIds(keys, start, start + 20);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ids(received).containsAll(phase1));
        List<Received> first = List.copyOf(received);
        Map<Integer, Set<String>> firstReaders = readers(first);
        assertEquals(PARTITIONS, firstReaders.size(), "partitions read: " + firstReaders);
        firstReaders.forEach((p, who) -> assertEquals(1, who.size(), "readers of partition " + p + ": " + who));
        assertKeyedAndOrdered(first);
        Set<Integer> ofC = new TreeSet<>();
        firstReaders.forEach((p, who) -> {
            if (who.contains("c")) {
                ofC.add(p);
            }
        });
        assertEquals(2, ofC.size(), "c's partitions: " + firstReaders);

        // Phase 2: c leaves while messages keep coming; phase 3 after it left.
        Thread during = new Thread(() -> {
            try {
                publish(sender, keys, start + 20, start + 40);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        during.start();
        c.close();
        during.join(30_000);
        int afterLeave = received.size();
        publish(sender, keys, start + 40, start + 60);

        Set<String> all = expectedIds(keys, start, start + 60);
        assertEquals(6000, all.size());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ids(received).containsAll(all));
        // (only this test's messages: a late duplicate from the settling rounds above is not counted)
        List<Received> everything = received.stream().filter(r -> r.seq() >= start).toList();
        assertEquals(all, ids(everything), "every published message was received and settled, nothing else");
        assertKeyedAndOrdered(everything);

        // After the rebalance, a and b read all six partitions, each partition one of them.
        List<Received> last = everything.stream().filter(r -> r.seq() >= start + 40).toList();
        Map<Integer, Set<String>> lastReaders = readers(last);
        assertEquals(PARTITIONS, lastReaders.size(), "partitions read at the end: " + lastReaders);
        lastReaders.forEach((p, who) -> {
            assertEquals(1, who.size(), "readers of partition " + p + ": " + who);
            assertTrue(Set.of("a", "b").containsAll(who), "readers of partition " + p + ": " + who);
        });
        // Sticky: a and b kept their own partitions and took c's.
        firstReaders.forEach((p, who) -> {
            if (!ofC.contains(p)) {
                assertEquals(who, lastReaders.get(p), "partition " + p + " stayed with its reader");
            }
        });
        List<Received> inOrder = List.copyOf(received);
        assertTrue(inOrder.subList(afterLeave, inOrder.size()).stream().noneMatch(r -> r.member().equals("c")),
                "c received nothing after it left");
        sender.close();
    }

    @Test
    void keysPickPartitionsOnEveryAddressAndASecondGroupReadsEverythingOnItsOwn() throws Exception {
        declare("orders", PARTITIONS);
        // Same key, same partition: by exchange address, by subject, by the x-routing-key annotation.
        List<Tracker> trackers = new ArrayList<>();
        Map<String, Sender> byKey = new LinkedHashMap<>();
        for (int k = 0; k < 20; k++) {
            String key = "key-" + k;
            Sender toExchange = connection.openSender("/exchanges/orders/" + key);
            byKey.put(key, toExchange);
            trackers.add(toExchange.send(Message.create(key + ":0")));
        }
        Sender toStream = connection.openSender("/queues/orders");
        for (int k = 0; k < 20; k++) {
            String key = "key-" + k;
            trackers.add(toStream.send(Message.create(key + ":1").subject(key)));
            trackers.add(toStream.send(Message.create(key + ":2").subject("ignored")
                    .annotation("x-routing-key", key)));
        }
        for (Tracker t : trackers) {
            t.awaitSettlement(10, TimeUnit.SECONDS);
            assertEquals(DeliveryState.Type.ACCEPTED, t.remoteState().getType());
        }
        // No key at all: rejected, naming what is missing.
        Tracker keyless = toStream.send(Message.create("nokey:0"));
        keyless.awaitSettlement(10, TimeUnit.SECONDS);
        assertEquals(DeliveryState.Type.REJECTED, keyless.remoteState().getType());

        Set<String> all = new HashSet<>();
        for (int k = 0; k < 20; k++) {
            for (int s = 0; s < 3; s++) {
                all.add("key-" + k + ":" + s);
            }
        }
        ConcurrentLinkedQueue<Received> one = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Received> two = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Received> alone = new ConcurrentLinkedQueue<>();
        member("one-a", "one", one);
        member("two-a", "two", two);
        member("two-b", "two", two);
        member("alone", null, alone);
        for (ConcurrentLinkedQueue<Received> group : List.of(one, two, alone)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ids(group).containsAll(all));
            List<Received> got = List.copyOf(group);
            assertEquals(all, ids(got));
            assertKeyedAndOrdered(got);
        }
        // Each partition offset 0.. holds its messages in publish order per key.
        for (Received r : List.copyOf(one)) {
            assertTrue(r.offset() >= 0 && r.offset() < 60, "offset " + r);
        }
        ManagementClient.Response info = management.call("GET", "/queues/orders", null);
        assertEquals(200, info.status());
        Map<?, ?> body = (Map<?, ?>) info.body();
        assertEquals("stream", body.get("type"));
        assertEquals(6L, ((Map<?, ?>) body.get("arguments")).get("x-partitions"));
        assertEquals(60L, ((Number) body.get("message_count")).longValue());
        for (Sender s : byKey.values()) {
            s.close();
        }
    }

    @Test
    void theDeclarationAndTheGroupOffsetsSurviveARestartAndDeletingTheStreamDeletesItsPartitions()
            throws Exception {
        declare("orders", PARTITIONS);
        assertEquals(200, management.call("PUT", "/queues/orders", Map.of("durable", true, "arguments",
                Map.of("x-queue-type", "stream", "x-partitions", 6L))).status(), "an equal redeclare");
        assertEquals(409, management.call("PUT", "/queues/orders", Map.of("durable", true, "arguments",
                Map.of("x-queue-type", "stream", "x-partitions", 3L))).status(), "another partition count");
        assertEquals(400, management.call("PUT", "/queues/bad", Map.of("durable", true, "arguments",
                Map.of("x-partitions", 0L))).status(), "no partitions");
        assertEquals(409, management.call("PUT", "/queues/orders", Map.of("durable", true, "arguments",
                Map.of("x-queue-type", "stream"))).status(), "a plain stream over the partitioned one");
        assertEquals(400, management.call("PUT", "/queues/bad", Map.of("durable", true, "arguments",
                Map.of("x-queue-type", "classic", "x-partitions", 2L))).status(), "not a stream");
        Sender sender = connection.openSender("/queues/orders");
        publish(sender, 10, 0, 10);
        sender.close();

        // One member reads and accepts 60 of the 100 messages, then leaves.
        ConcurrentLinkedQueue<Received> before = new ConcurrentLinkedQueue<>();
        ReceiverOptions options = new ReceiverOptions().autoAccept(false).creditWindow(10);
        options.properties(Map.of("wharf:consumer-group", "g"));
        options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver receiver = connection.openReceiver("/queues/orders", options);
        for (int i = 0; i < 60; i++) {
            Delivery delivery = receiver.receive(10, TimeUnit.SECONDS);
            assertNotNull(delivery, "delivery " + i);
            String[] body = String.valueOf(delivery.message().body()).split(":");
            delivery.accept();
            before.add(new Received("first", ((Number) delivery.message().annotation(PARTITION)).intValue(),
                    (Long) delivery.message().annotation(OFFSET), body[0], Integer.parseInt(body[1])));
        }
        receiver.closeAsync().get(10, TimeUnit.SECONDS);
        // The group's offsets are the partitions' stored offsets for consumer 'g': 60 messages done in all.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            long done = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                ManagementClient.Response stored = management.call("GET", "/queues/orders-" + p + "/offsets/g",
                        null);
                if (stored.status() == 200) {
                    done += (Long) ((Map<?, ?>) stored.body()).get("offset") + 1;
                }
            }
            return done == 60;
        });

        management.close();
        connection.close();
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "");
        connect();

        ManagementClient.Response info = management.call("GET", "/queues/orders", null);
        assertEquals(200, info.status(), "after the restart: " + info.body());
        assertEquals(6L, ((Map<?, ?>) ((Map<?, ?>) info.body()).get("arguments")).get("x-partitions"));
        ConcurrentLinkedQueue<Received> after = new ConcurrentLinkedQueue<>();
        member("again", "g", after);
        Set<String> rest = expectedIds(10, 0, 10);
        rest.removeAll(ids(before));
        assertEquals(40, rest.size());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ids(after).containsAll(rest));
        assertEquals(rest, ids(List.copyOf(after)), "the group resumed where it left off: nothing skipped, "
                + "nothing settled read again");
        // Routing works after the restart too.
        Sender again = connection.openSender("/queues/orders");
        again.send(Message.create("k1:10").subject("k1")).awaitSettlement(10, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ids(after).contains("k1:10"));
        again.close();
        for (Member m : members) {
            m.close();
        }

        ManagementClient.Response deleted = management.call("DELETE", "/queues/orders", null);
        assertEquals(200, deleted.status(), "delete: " + deleted.body());
        assertEquals(404, management.call("GET", "/queues/orders", null).status());
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(404, management.call("GET", "/queues/orders-" + p, null).status(), "partition " + p);
        }
        assertEquals(404, management.call("GET", "/exchanges/orders", null).status());
    }

    @Test
    void aPartitionedStreamDeclaredInTheConfigurationIsThereAtStart() throws Exception {
        management.close();
        connection.close();
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "queues:\n  declare:\n    - name: events\n"
                + "      arguments: {x-queue-type: stream, x-partitions: 3, x-max-age: 7D}\n");
        connect();
        ManagementClient.Response info = management.call("GET", "/queues/events", null);
        assertEquals(200, info.status(), "declared at start: " + info.body());
        Map<?, ?> arguments = (Map<?, ?>) ((Map<?, ?>) info.body()).get("arguments");
        assertEquals(3L, arguments.get("x-partitions"));
        assertEquals("7D", arguments.get("x-max-age"));
        assertEquals(List.of("events-0", "events-1", "events-2"), ((Map<?, ?>) info.body()).get("partitions"));

        Sender sender = connection.openSender("/exchanges/events/user-7");
        sender.send(Message.create("user-7:0")).awaitSettlement(10, TimeUnit.SECONDS);
        sender.close();
        ReceiverOptions options = new ReceiverOptions();
        options.properties(Map.of("wharf:consumer-group", "audit"));
        options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver receiver = connection.openReceiver("/queues/events", options).openFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue(receiver.source().filters().containsKey("rabbitmq:stream-offset-spec"),
                "the offset spec is applied, so echoed: " + receiver.source().filters());
        Delivery delivery = receiver.receive(10, TimeUnit.SECONDS);
        assertNotNull(delivery);
        assertEquals("user-7:0", delivery.message().body());
        assertEquals(PartitionHash.partition("user-7", 3),
                ((Number) delivery.message().annotation(PARTITION)).intValue());
        assertEquals(0L, delivery.message().annotation(OFFSET));
        receiver.close();

        // A member with credit given by hand: a drain sends what there is and gives back the rest.
        Sender more = connection.openSender("/queues/events");
        for (int i = 1; i <= 3; i++) {
            more.send(Message.create("user-" + i + ":0").subject("user-" + i)).awaitSettlement(10, TimeUnit.SECONDS);
        }
        more.close();
        ReceiverOptions manual = new ReceiverOptions().creditWindow(0);
        manual.properties(Map.of("wharf:consumer-group", "manual"));
        manual.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        Receiver drained = connection.openReceiver("/queues/events", manual).openFuture().get(10, TimeUnit.SECONDS);
        drained.addCredit(10);
        drained.drain().get(10, TimeUnit.SECONDS);
        Set<String> got = new HashSet<>();
        Delivery next;
        while ((next = drained.tryReceive()) != null) {
            got.add(String.valueOf(next.message().body()));
        }
        assertEquals(Set.of("user-7:0", "user-1:0", "user-2:0", "user-3:0"), got);
        drained.close();
    }
}
