package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Delivery;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Receiver;
import org.apache.qpid.protonj2.client.exceptions.ClientConnectionRemotelyClosedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Virtual hosts: chosen with open.hostname = vhost:name, configured or created through management, kept apart. */
@Timeout(60)
class VirtualHostIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "vhosts: [staging]\n");
        client = Client.create();
    }

    @AfterEach
    void stop() {
        client.close();
        broker.close();
    }

    private Connection connect(String vhost) throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret").virtualHost("vhost:" + vhost));
        connection.openFuture().get(10, TimeUnit.SECONDS);
        return connection;
    }

    private static String receiveOne(Connection connection, String address) throws Exception {
        try (Receiver receiver = connection.openReceiver(address)) {
            Delivery delivery = receiver.receive(500, TimeUnit.MILLISECONDS);
            if (delivery == null) {
                return null;
            }
            delivery.accept();
            return (String) delivery.message().body();
        }
    }

    @Test
    void vhostsKeepTheirQueuesAndExchangesApart() throws Exception {
        try (Connection staging = connect("staging"); Connection main = connect("/");
             ManagementClient management = new ManagementClient(staging)) {
            assertEquals(204, management.call("PUT", "/exchanges/events", Map.of("type", "fanout")).status());
            assertEquals(201, management.call("PUT", "/queues/orders", Map.of()).status());
            assertEquals(204, management.call("POST", "/bindings", Map.of("source", "events",
                    "destination_queue", "orders", "binding_key", "")).status());
            staging.openSender("/exchanges/events").send(Message.create("for staging")).awaitSettlement();
            main.openSender("/queues/orders").send(Message.create("for main")).awaitSettlement();

            assertEquals("for staging", receiveOne(staging, "/queues/orders"));
            assertEquals("for main", receiveOne(main, "/queues/orders"));
            assertNull(broker.broker().topology().exchange("events"), "the exchange is staging's only");
            assertNotNull(broker.broker().vhost("staging").topology().exchange("events"));
        }
    }

    /** The broker answers the open only to close the connection with amqp:not-found naming the vhost. */
    private void assertRefused(String vhost) throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret").virtualHost("vhost:" + vhost));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> connection.openSender("/queues/q").openFuture().get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause().getMessage()).contains(vhost), e.getCause().toString());
        connection.close();
    }

    @Test
    void anUnknownVhostIsRefused() throws Exception {
        assertRefused("nowhere");
    }

    @Test
    void vhostsCreatedThroughManagementSurviveARestartAndCanBeDeleted() throws Exception {
        try (Connection main = connect("/"); ManagementClient management = new ManagementClient(main)) {
            assertEquals(201, management.call("PUT", "/vhosts/dev", null).status());
            assertEquals(204, management.call("PUT", "/vhosts/dev", null).status());
            assertEquals(200, management.call("GET", "/vhosts/dev", null).status());
            assertEquals(400, management.call("PUT", "/vhosts/", null).status());
        }
        try (Connection dev = connect("dev")) {
            dev.openSender("/queues/kept").send(Message.create("kept")).awaitSettlement();
        }
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> broker.broker().vhost("dev") != null
                && broker.broker().vhost("dev").topology().queues().get("kept") != null
                && broker.broker().vhost("dev").topology().queues().get("kept").messageCount() == 1);
        assertNotNull(broker.broker().vhost("staging"), "a configured vhost is stored too");
        try (Connection dev = connect("dev")) {
            assertEquals("kept", receiveOne(dev, "/queues/kept"));
        }
        try (Connection main = connect("/"); ManagementClient management = new ManagementClient(main)) {
            assertEquals(403, management.call("DELETE", "/vhosts/%2F", null).status());
            assertEquals(204, management.call("DELETE", "/vhosts/dev", null).status());
            assertEquals(404, management.call("GET", "/vhosts/dev", null).status());
        }
        assertRefused("dev");
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "");
        assertNull(broker.broker().vhost("dev"), "the deletion was stored");
    }

    /** As in RabbitMQ: deleting a vhost closes its connections and clears every user's permission there. */
    @Test
    void deletingAVhostClosesItsConnectionsAndClearsItsPermissions() throws Exception {
        try (Connection main = connect("/"); ManagementClient management = new ManagementClient(main)) {
            assertEquals(201, management.call("PUT", "/vhosts/tmp", null).status());
            // alice created it, so she has full permissions there (as in RabbitMQ); bob is given some.
            broker.broker().users().putUser("bob", "bob-secret".toCharArray(), java.util.Set.of());
            broker.broker().users().setPermission(new io.wharf.plugin.UserAdmin.Permission("bob", "tmp", "",
                    ".*", ".*"));
            assertEquals(2, broker.broker().users().permissions().stream().filter(p -> p.vhost().equals("tmp"))
                    .count());
            Connection tmp = connect("tmp");
            Receiver waiting = tmp.openReceiver("/queues/q-tmp");
            waiting.openFuture().get(10, TimeUnit.SECONDS);
            assertEquals(204, management.call("DELETE", "/vhosts/tmp", null).status());
            // The close may reach the client before or after it asks for the sender: either way, forced, naming tmp.
            Exception refused = assertThrows(Exception.class,
                    () -> tmp.openSender("/queues/other").openFuture().get(10, TimeUnit.SECONDS));
            Throwable closed = refused instanceof ExecutionException ? refused.getCause() : refused;
            assertTrue(closed instanceof ClientConnectionRemotelyClosedException, closed.toString());
            assertTrue(String.valueOf(closed.getMessage()).contains("tmp"), closed.toString());
            tmp.close();
            assertTrue(broker.broker().users().permissions().stream().noneMatch(p -> p.vhost().equals("tmp")),
                    broker.broker().users().permissions().toString());
            assertTrue(broker.broker().users().permissions().stream().anyMatch(p -> p.vhost().equals("/")),
                    "permissions elsewhere stay");
            // A vhost created again under the same name starts without the old grants (its creator gets hers).
            assertEquals(201, management.call("PUT", "/vhosts/tmp", null).status());
            assertEquals(java.util.List.of("alice"), broker.broker().users().permissions().stream()
                    .filter(p -> p.vhost().equals("tmp")).map(p -> p.user()).toList());
        }
    }
}
