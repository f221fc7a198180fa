package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.ReceiverOptions;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every filter type through the protonj2 client, on a classic queue and on a stream (queues named {@code s.*} are
 * streams by policy): tags with and without match-unfiltered, the properties and application-properties filters
 * with prefix/suffix matching, SQL filter expressions, JMS selectors sent as a described filter; which filters the
 * attach reply echoes; and that an invalid expression leaves the attach working but unfiltered-and-unechoed.
 */
@Timeout(90)
class FilterIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;
    Connection connection;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "queues:\n  policies:\n    - pattern: ^s\\.\n"
                + "      arguments: {x-queue-type: stream}\n");
        client = Client.create();
        connection = client.connect("127.0.0.1", broker.port(), new ConnectionOptions().user("alice")
                .password("secret"));
    }

    @AfterEach
    void stop() {
        connection.close();
        client.close();
        broker.close();
    }

    /**
     * Publishes 30 messages: body "m<i>", application properties n = i and region (eu/us/asia by i % 3), subject
     * "orders.<region>", tag a/b/none by i % 3 (the tag only on even i).
     */
    private void publish(String queue) throws Exception {
        Sender sender = connection.openSender("/queues/" + queue);
        List<Tracker> trackers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String region = new String[] {"eu", "us", "asia"}[i % 3];
            Message<String> m = Message.create("m" + i).property("n", i).property("region", region)
                    .subject("orders." + region);
            if (i % 2 == 0) {
                m.annotation("x-stream-filter-value", i % 3 == 0 ? "a" : "b");
            }
            trackers.add(sender.send(m));
        }
        for (Tracker t : trackers) {
            t.awaitSettlement(10, TimeUnit.SECONDS);
            assertTrue(t.remoteState().isAccepted());
        }
        sender.close();
    }

    /** Attaches with {@code filters} (name -> {descriptor, value}), receives until quiet; returns the bodies. */
    private List<String> receive(String queue, Map<String, Object[]> filters, List<String> echoed) throws Exception {
        ReceiverOptions options = new ReceiverOptions().creditWindow(100);
        if (queue.startsWith("s.")) {
            options.sourceOptions().addFilter("rabbitmq:stream-offset-spec", "rabbitmq:stream-offset-spec", "first");
        }
        filters.forEach((name, f) -> options.sourceOptions().addFilter(name, f[0], f[1]));
        Receiver receiver = connection.openReceiver("/queues/" + queue, options).openFuture().get(10,
                TimeUnit.SECONDS);
        if (echoed != null && receiver.source().filters() != null) {
            echoed.addAll(receiver.source().filters().keySet());
        }
        List<String> bodies = new ArrayList<>();
        Delivery d;
        while ((d = receiver.receive(queue.startsWith("s.") ? 1500 : 1000, TimeUnit.MILLISECONDS)) != null) {
            bodies.add((String) d.message().body());
            d.accept();
        }
        receiver.close();
        return bodies;
    }

    private static List<String> bodies(java.util.function.IntPredicate which) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (which.test(i)) {
                out.add("m" + i);
            }
        }
        return out;
    }

    private void eachFilterType(String prefix) throws Exception {
        String q = prefix + "tags";
        publish(q);
        List<String> echo = new ArrayList<>();
        assertEquals(bodies(i -> i % 2 == 0 && i % 3 == 0), receive(q,
                Map.of("rabbitmq:stream-filter", new Object[] {"rabbitmq:stream-filter", "a"}), echo));
        assertTrue(echo.contains("rabbitmq:stream-filter"), "echo " + echo);
        if (prefix.startsWith("s.")) {
            // A stream keeps everything: a second reader sees the b-tagged and untagged messages.
            assertEquals(bodies(i -> i % 2 == 1 || i % 3 != 0), receive(q, Map.of(
                    "rabbitmq:stream-filter", new Object[] {"rabbitmq:stream-filter", List.of("b")},
                    "rabbitmq:stream-match-unfiltered", new Object[] {"rabbitmq:stream-match-unfiltered", true}),
                    null));
        } else {
            assertEquals(bodies(i -> i % 2 == 1 || i % 3 != 0), receive(q, Map.of(), null),
                    "the rest stayed, in order");
        }

        q = prefix + "props";
        publish(q);
        assertEquals(bodies(i -> i % 3 == 1), receive(q, Map.of("subject-filter",
                new Object[] {0x173L, Map.of("subject", "&s:.us")}), echo));
        assertTrue(echo.contains("subject-filter"), "echo " + echo);

        q = prefix + "app";
        publish(q);
        assertEquals(bodies(i -> i % 3 == 2), receive(q, Map.of("region-filter",
                new Object[] {"amqp:application-properties-filter", Map.of("region", "&p:as")}), echo));

        q = prefix + "sql";
        publish(q);
        assertEquals(bodies(i -> i > 20 && i % 3 == 0), receive(q, Map.of("sql-filter",
                new Object[] {"amqp:sql-filter", "a.n > 20 AND p.subject = 'orders.eu'"}), echo));

        q = prefix + "jms";
        publish(q);
        assertEquals(bodies(i -> i < 5 || i == 12 || i == 21), receive(q, Map.of("jms-selector",
                new Object[] {"apache.org:selector-filter:string", "n < 5 OR region = 'eu' AND n IN (10, 12, 21)"}),
                echo));

        q = prefix + "invalid";
        publish(q);
        List<String> invalidEcho = new ArrayList<>();
        assertEquals(bodies(i -> true), receive(q, Map.of("sql-filter",
                new Object[] {"amqp:sql-filter", "n > AND"}), invalidEcho), "not applied");
        assertFalse(invalidEcho.contains("sql-filter"), "an invalid expression is not echoed: " + invalidEcho);
    }

    @Test
    void eachFilterTypeOnAClassicQueue() throws Exception {
        eachFilterType("q.");
    }

    @Test
    void eachFilterTypeOnAStream() throws Exception {
        eachFilterType("s.");
    }

    @Test
    void connectionOffersTheFilterExpressionCapabilities() throws Exception {
        connection.openFuture().get(10, TimeUnit.SECONDS);
        List<String> offered = List.of(connection.offeredCapabilities());
        assertTrue(offered.contains("AMQP_FILTEX_PROP_V1_0") && offered.contains("AMQP_FILTEX_SQL_V1_0"),
                "offered " + offered);
    }

    @Test
    void aFilteredConsumerDoesNotHoldUpAnUnfilteredOne() throws Exception {
        String q = "q.shared";
        ReceiverOptions filtered = new ReceiverOptions().creditWindow(10);
        filtered.sourceOptions().addFilter("rabbitmq:stream-filter", "rabbitmq:stream-filter", "never");
        Receiver waiting = connection.openReceiver("/queues/" + q, filtered).openFuture().get(10, TimeUnit.SECONDS);
        publish(q);
        assertEquals(bodies(i -> true), receive(q, Map.of(), null));
        assertNull(waiting.tryReceive());
        waiting.close();
    }
}
