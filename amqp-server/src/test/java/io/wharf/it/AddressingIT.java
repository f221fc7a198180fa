package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.DeliveryState;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.Rejected;
import org.apache.qpid.protonj2.client.Sender;
import org.apache.qpid.protonj2.client.Tracker;
import org.apache.qpid.protonj2.client.exceptions.ClientLinkRemotelyClosedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * WIRE.md's addresses and publisher outcomes with a plain AMQP 1.0 client (Qpid protonj2): /exchanges/:x/:key,
 * /exchanges/:x, /queues/:q, the anonymous relay, percent-encoding; accepted, released, rejected with
 * amqp:not-found or amqp:precondition-failed; refused attaches.
 */
@Timeout(60)
class AddressingIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;
    Connection connection;
    ManagementClient management;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        client = Client.create();
        connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        management = new ManagementClient(connection);
    }

    @AfterEach
    void stop() {
        management.close();
        connection.close();
        client.close();
        broker.close();
    }

    private static DeliveryState outcome(Tracker tracker) throws Exception {
        tracker.awaitSettlement(5, SECONDS);
        DeliveryState state = tracker.remoteState();
        assertNotNull(state, "no outcome");
        return state;
    }

    private String receive(String address) throws Exception {
        try (Receiver receiver = connection.openReceiver(address)) {
            Delivery delivery = receiver.receive(2, SECONDS);
            if (delivery == null) {
                return null;
            }
            delivery.accept();
            return (String) delivery.message().body();
        }
    }

    private static void assertRefused(Future<?> open, String condition) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> open.get(5, SECONDS));
        assertTrue(e.getCause() instanceof ClientLinkRemotelyClosedException, e.getCause().toString());
        assertEquals(condition, ((ClientLinkRemotelyClosedException) e.getCause()).getErrorCondition().condition(),
                e.getCause().getMessage());
    }

    @Test
    void exchangeAndQueueAddressesWithPercentEncoding() throws Exception {
        assertEquals(204, management.call("PUT", "/exchanges/my%20exchange", Map.of("type", "direct")).status());
        assertEquals(201, management.call("PUT", "/queues/a%2Fqueue", Map.of()).status());
        assertEquals(204, management.call("POST", "/bindings", Map.of("source", "my exchange",
                "destination_queue", "a/queue", "binding_key", "k/1")).status());

        Sender withKey = connection.openSender("/exchanges/my%20exchange/k%2F1");
        assertTrue(outcome(withKey.send(Message.create("via key"))).isAccepted());
        assertEquals("via key", receive("/queues/a%2Fqueue"));

        // /exchanges/:x publishes with the empty key: nothing bound to "" here, so it is released
        Sender noKey = connection.openSender("/exchanges/my%20exchange");
        assertTrue(outcome(noKey.send(Message.create("no key"))).isReleased());
        assertNull(receive("/queues/a%2Fqueue"));
    }

    @Test
    void anonymousRelayOutcomes() throws Exception {
        assertEquals(204, management.call("PUT", "/exchanges/x", Map.of("type", "topic")).status());
        assertEquals(201, management.call("PUT", "/queues/q", Map.of()).status());
        assertEquals(204, management.call("POST", "/bindings", Map.of("source", "x", "destination_queue", "q",
                "binding_key", "a.*")).status());
        Sender relay = connection.openAnonymousSender();

        assertTrue(outcome(relay.send(Message.create("routed").to("/exchanges/x/a.b"))).isAccepted());
        assertTrue(outcome(relay.send(Message.create("unroutable").to("/exchanges/x/b.c"))).isReleased());
        DeliveryState missing = outcome(relay.send(Message.create("missing").to("/exchanges/nope/a.b")));
        assertTrue(missing.isRejected());
        assertEquals("amqp:not-found", ((Rejected) missing)
                .getCondition());
        DeliveryState bad = outcome(relay.send(Message.create("bad").to("/topics/q")));
        assertEquals("amqp:precondition-failed", ((Rejected) bad).getCondition());
        DeliveryState none = outcome(relay.send(Message.create("no to")));
        assertEquals("amqp:precondition-failed", ((Rejected) none).getCondition());
        assertTrue(outcome(relay.send(Message.create("direct").to("/queues/q"))).isAccepted());

        assertEquals("routed", receive("/queues/q"));
        assertEquals("direct", receive("/queues/q"));
        assertNull(receive("/queues/q"));
    }

    @Test
    void aMessageRoutedToTwoQueuesIsAcceptedOnceBothStoredIt() throws Exception {
        assertEquals(201, management.call("PUT", "/queues/one", Map.of()).status());
        assertEquals(201, management.call("PUT", "/queues/two", Map.of()).status());
        for (String q : new String[] {"one", "two"}) {
            assertEquals(204, management.call("POST", "/bindings", Map.of("source", "amq.fanout",
                    "destination_queue", q, "binding_key", "")).status());
        }
        // bound twice, stored once
        assertEquals(204, management.call("POST", "/bindings", Map.of("source", "amq.direct",
                "destination_queue", "one", "binding_key", "")).status());
        assertEquals(204, management.call("POST", "/bindings", Map.of("source", "amq.fanout",
                "destination_exchange", "amq.direct", "binding_key", "")).status());
        Sender sender = connection.openSender("/exchanges/amq.fanout");
        assertTrue(outcome(sender.send(Message.create("both").durable(true))).isAccepted());
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.broker().queues().get("one").messageCount() == 1
                        && broker.broker().queues().get("two").messageCount() == 1);
        assertEquals("both", receive("/queues/one"));
        assertEquals("both", receive("/queues/two"));
    }

    @Test
    void attachesThatCannotWorkAreRefusedWithTheFittingError() throws Exception {
        assertRefused(connection.openSender("/exchanges/missing/k").openFuture(), "amqp:not-found");
        assertEquals(204, management.call("PUT", "/exchanges/inner", Map.of("type", "fanout", "internal", true))
                .status());
        assertRefused(connection.openSender("/exchanges/inner").openFuture(), "amqp:unauthorized-access");
        assertRefused(connection.openSender("/queues/" + "q".repeat(300)).openFuture(), "amqp:invalid-field");
        assertRefused(connection.openReceiver("/queues/amq.reserved").openFuture(), "amqp:unauthorized-access");
        assertRefused(connection.openReceiver("/exchanges/missing/k").openFuture(), "amqp:not-found");
        assertNull(broker.broker().queues().get("amq.reserved"));
    }

    @Test
    void aConsumerOnAnExchangeAddressGetsATemporarySubscription() throws Exception {
        int before = broker.broker().queues().all().size();
        Receiver subscriber = connection.openReceiver("/exchanges/amq.topic/stock.%2A");
        subscriber.openFuture().get(5, SECONDS);
        Sender sender = connection.openSender("/exchanges/amq.topic/stock.ibm");
        assertTrue(outcome(sender.send(Message.create("ibm"))).isAccepted());
        Delivery delivery = subscriber.receive(5, SECONDS);
        assertNotNull(delivery);
        assertEquals("ibm", delivery.message().body());
        delivery.accept();
        subscriber.close();
        Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> broker.broker().queues().all().size() == before);
    }
}
