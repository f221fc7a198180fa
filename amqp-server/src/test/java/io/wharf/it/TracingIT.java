package io.wharf.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracing plugin (the worked example of the plugin API) with a real client: queues bound to
 * {@code amq.wharf.trace} receive annotated copies of what is published and delivered.
 */
@Timeout(60)
class TracingIT {

    private static final long ARRIVES_MS = 5_000;
    private static final long NOTHING_MORE_MS = 300;

    @TempDir
    Path dataDir;
    private RunningBroker broker;
    private Client client;

    @BeforeEach
    void createClient() {
        client = Client.create();
    }

    @AfterEach
    void stop() {
        client.close();
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void publishedAndDeliveredMessagesAreCopiedToTheTraceExchangeWithAnnotations() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "plugins:\n  enabled: [tracing]\n");
        Connection connection = connect();
        try (ManagementClient management = new ManagementClient(connection)) {
            for (String[] queue : new String[][] {{"traced-publish", "publish.#"}, {"traced-deliver", "deliver.#"}}) {
                assertEquals(201, management.call("PUT", "/queues/" + queue[0], Map.of()).status());
                assertEquals(204, management.call("POST", "/bindings", Map.of("source", "amq.wharf.trace",
                        "destination_queue", queue[0], "binding_key", queue[1])).status());
            }
            assertEquals(403, management.call("DELETE", "/exchanges/amq.wharf.trace", null).status(),
                    "clients must not delete the trace exchange");
        }

        connection.openSender("/queues/orders").send(Message.create("an order").messageId("o1")
                .property("color", "blue")).awaitAccepted(5, SECONDS);

        Receiver published = connection.openReceiver("/queues/traced-publish");
        Message<Object> copy = published.receive(ARRIVES_MS, MILLISECONDS).message();
        assertEquals("an order", copy.body());
        assertEquals("o1", copy.messageId());
        assertEquals("blue", copy.property("color"));
        assertEquals("publish", copy.annotation("x-opt-trace-event"));
        assertEquals("amq.default", copy.annotation("x-opt-trace-exchange"));
        assertEquals("orders", copy.annotation("x-opt-trace-routing-key"));
        assertEquals(List.of("orders"), copy.annotation("x-opt-trace-routed-queues"));
        assertEquals("alice", copy.annotation("x-opt-trace-user"));
        assertEquals("/", copy.annotation("x-opt-trace-vhost"));
        assertNotNull(copy.annotation("x-opt-trace-time"));

        Receiver orders = connection.openReceiver("/queues/orders");
        assertEquals("an order", orders.receive(ARRIVES_MS, MILLISECONDS).message().body());
        Receiver delivered = connection.openReceiver("/queues/traced-deliver");
        Message<Object> deliverCopy = delivered.receive(ARRIVES_MS, MILLISECONDS).message();
        assertEquals("an order", deliverCopy.body());
        assertEquals("deliver", deliverCopy.annotation("x-opt-trace-event"));
        assertEquals("orders", deliverCopy.annotation("x-opt-trace-queue"));
        assertEquals(false, deliverCopy.annotation("x-opt-trace-redelivered"));

        // Consuming the trace copies is not traced again: nothing more arrives on either trace queue.
        assertNull(published.receive(NOTHING_MORE_MS, MILLISECONDS));
        assertNull(delivered.receive(NOTHING_MORE_MS, MILLISECONDS));
    }

    @Test
    void settingsChooseExchangesEventsAndHeaders() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, """
                plugins:
                  enabled: [tracing]
                  settings:
                    tracing:
                      exchange: amq.wharf.audit
                      events: [publish]
                      exchanges: ["shop-*"]
                      match-headers:
                        trace: "yes"
                """);
        Connection connection = connect();
        try (ManagementClient management = new ManagementClient(connection)) {
            assertEquals(204, management.call("PUT", "/exchanges/shop-orders", Map.of("type", "fanout")).status());
            assertEquals(204, management.call("PUT", "/exchanges/other", Map.of("type", "fanout")).status());
            assertEquals(201, management.call("PUT", "/queues/sink", Map.of()).status());
            for (String exchange : List.of("shop-orders", "other")) {
                assertEquals(204, management.call("POST", "/bindings", Map.of("source", exchange,
                        "destination_queue", "sink", "binding_key", "")).status());
            }
            assertEquals(201, management.call("PUT", "/queues/audit", Map.of()).status());
            assertEquals(204, management.call("POST", "/bindings", Map.of("source", "amq.wharf.audit",
                    "destination_queue", "audit", "binding_key", "#")).status());
        }
        var shop = connection.openSender("/exchanges/shop-orders");
        shop.send(Message.create("traced").property("trace", "yes")).awaitAccepted(5, SECONDS);
        shop.send(Message.create("no header")).awaitAccepted(5, SECONDS);
        connection.openSender("/exchanges/other").send(Message.create("other exchange").property("trace", "yes"))
                .awaitAccepted(5, SECONDS);
        connection.openSender("/queues/plain").send(Message.create("default exchange").property("trace", "yes"))
                .awaitAccepted(5, SECONDS);
        connection.openReceiver("/queues/plain").receive(ARRIVES_MS, MILLISECONDS);

        Receiver audit = connection.openReceiver("/queues/audit");
        Delivery only = audit.receive(ARRIVES_MS, MILLISECONDS);
        assertEquals("traced", only.message().body());
        assertEquals("shop-orders", only.message().annotation("x-opt-trace-exchange"));
        assertNull(audit.receive(NOTHING_MORE_MS, MILLISECONDS), "only the matching publish is traced");
    }

    private Connection connect() throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        connection.openFuture().get(10, SECONDS);
        return connection;
    }
}
