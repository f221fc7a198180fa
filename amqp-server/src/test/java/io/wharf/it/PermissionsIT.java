package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
import org.apache.qpid.protonj2.client.exceptions.ClientConnectionRemotelyClosedException;
import org.apache.qpid.protonj2.client.exceptions.ClientLinkRemotelyClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users stored in the metadata database and RabbitMQ-style per-vhost permissions (configure / write / read
 * regular expressions), checked at open, attach, on the anonymous relay and on the management link pair.
 * Refusals are amqp:unauthorized-access naming the resource, and the connection stays usable.
 */
@Timeout(60)
class PermissionsIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.start(dataDir, RunningBroker.testUserAuth(false) + "vhosts: [staging]\n");
        client = Client.create();
        UserAdmin users = broker.broker().users();
        // bob may make and write bob.* queues, read orders and bob.* queues; nothing in staging.
        users.putUser("bob", "bobpw".toCharArray(), Set.of("management"));
        users.setPermission(new UserAdmin.Permission("bob", "/", "^bob\\.", "^bob\\.", "^orders$|^bob\\."));
        try (Connection alice = connect("alice", "secret", "/")) {
            alice.openSender("/queues/orders").send(Message.create("for bob")).awaitAccepted(5, SECONDS);
        }
    }

    @AfterEach
    void stop() {
        client.close();
        broker.close();
    }

    private Connection connect(String user, String password, String vhost) throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user(user).password(password).virtualHost("vhost:" + vhost));
        connection.openFuture().get(10, SECONDS);
        return connection;
    }

    private static void assertUnauthorized(Future<?> open, String resource) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> open.get(5, SECONDS));
        assertTrue(e.getCause() instanceof ClientLinkRemotelyClosedException, e.getCause().toString());
        var condition = ((ClientLinkRemotelyClosedException) e.getCause()).getErrorCondition();
        assertEquals("amqp:unauthorized-access", condition.condition());
        assertTrue(condition.description().contains("'" + resource + "'"), condition.description());
    }

    private static DeliveryState outcome(Tracker tracker) throws Exception {
        tracker.awaitSettlement(5, SECONDS);
        assertNotNull(tracker.remoteState(), "no outcome");
        return tracker.remoteState();
    }

    @Test
    void deletingAUserClosesItsConnectionsAndNoOneElses() throws Exception {
        Connection bob = connect("bob", "bobpw", "/");
        try (Connection alice = connect("alice", "secret", "/")) {
            assertTrue(broker.broker().users().deleteUser("bob"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    bob.openSender("/queues/bob.after").openFuture().get(1, SECONDS);
                    return false;
                } catch (Exception closed) {
                    return true;
                }
            });
            ProtonClientIT.assertRoundTrip(alice, "/queues/alice.after");
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connect("bob", "bobpw", "/"));
            assertNotNull(refused.getCause());
        } finally {
            bob.close();
        }
    }

    @Test
    void withoutWritePermissionAUserCannotPublishButCanConsumeWhatItMayRead() throws Exception {
        try (Connection bob = connect("bob", "bobpw", "/")) {
            Sender refused = bob.openSender("/queues/orders");
            assertUnauthorized(refused.openFuture(), "orders");

            // The same connection goes on with what bob may do.
            try (Receiver receiver = bob.openReceiver("/queues/orders")) {
                Delivery delivery = receiver.receive(5, SECONDS);
                assertNotNull(delivery, "bob may read orders");
                assertEquals("for bob", delivery.message().body());
                delivery.accept();
            }
            ProtonClientIT.assertRoundTrip(bob, "/queues/bob.inbox");
        }
    }

    @Test
    void aUserCannotDeclareOutsideItsConfigurePattern() throws Exception {
        try (Connection bob = connect("bob", "bobpw", "/")) {
            // Attaching to an unknown name would auto-create it: configure is needed.
            assertUnauthorized(bob.openReceiver("/queues/elsewhere").openFuture(), "elsewhere");
            assertFalse(broker.broker().queues().get("elsewhere") != null, "the refused queue was created");
            try (ManagementClient management = new ManagementClient(bob)) {
                ManagementClient.Response denied = management.call("PUT", "/queues/shared", Map.of());
                assertEquals(403, denied.status());
                assertTrue(String.valueOf(denied.body()).contains("'shared'"), String.valueOf(denied.body()));
                assertEquals(201, management.call("PUT", "/queues/bob.work", Map.of()).status());
                assertEquals(403, management.call("PUT", "/exchanges/bob-x", Map.of("type", "fanout")).status());
                // A binding needs read on its source exchange: bob may not read amq.direct.
                ManagementClient.Response bind = management.call("POST", "/bindings", Map.of("source",
                        "amq.direct", "destination_queue", "bob.work", "binding_key", "k"));
                assertEquals(403, bind.status());
                assertTrue(String.valueOf(bind.body()).contains("'amq.direct'"), String.valueOf(bind.body()));
                assertEquals(403, management.call("PUT", "/vhosts/bobs", null).status());
                assertEquals(403, management.call("DELETE", "/queues/orders", null).status());
            }
            assertNotNull(broker.broker().queues().get("bob.work"));
            assertNotNull(broker.broker().queues().get("orders"), "bob may not delete orders");
        }
    }

    @Test
    void theAnonymousRelayChecksEachMessageAndKeepsTheLink() throws Exception {
        try (Connection bob = connect("bob", "bobpw", "/")) {
            Sender relay = bob.openAnonymousSender();
            DeliveryState denied = outcome(relay.send(Message.create("no").to("/queues/orders")));
            assertTrue(denied.isRejected());
            assertEquals("amqp:unauthorized-access", ((Rejected) denied).getCondition());
            assertTrue(((Rejected) denied).getDescription().contains("'orders'"));
            DeliveryState exchange = outcome(relay.send(Message.create("no").to("/exchanges/amq.fanout")));
            assertEquals("amqp:unauthorized-access", ((Rejected) exchange).getCondition());
            assertTrue(outcome(relay.send(Message.create("yes").to("/queues/bob.relay"))).isAccepted());
        }
        assertEquals(1, broker.broker().queues().get("orders").messageCount(), "nothing bob sent reached orders");
    }

    @Test
    void aVhostWithoutPermissionsIsRefusedAtOpen() throws Exception {
        Connection bob = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("bob").password("bobpw").virtualHost("vhost:staging"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> bob.openSender("/queues/bob.q").openFuture().get(10, SECONDS));
        assertTrue(e.getCause() instanceof ClientConnectionRemotelyClosedException, e.getCause().toString());
        var condition = ((ClientConnectionRemotelyClosedException) e.getCause()).getErrorCondition();
        assertEquals("amqp:unauthorized-access", condition.condition());
        assertTrue(condition.description().contains("staging"), condition.description());
        bob.close();
        // alice was seeded with every configured vhost; and a permission granted later lets bob in.
        connect("alice", "secret", "staging").close();
        broker.broker().users().setPermission(new UserAdmin.Permission("bob", "staging", "", "", "^q$"));
        try (Connection staging = connect("bob", "bobpw", "staging")) {
            assertUnauthorized(staging.openSender("/queues/q").openFuture(), "q");
        }
    }

    @Test
    void usersAndPermissionsSurviveARestartAndConfigUsersAreSeededOnce() throws Exception {
        UserAdmin users = broker.broker().users();
        assertTrue(users.deleteUser("alice"));
        users.putUser("carol", "carolpw".toCharArray(), Set.of(UserAdmin.ADMINISTRATOR));
        users.setPermission(new UserAdmin.Permission("carol", "/", ".*", ".*", ".*"));
        broker.close();
        // The same auth.users again: alice was deleted through the API and stays deleted.
        broker = RunningBroker.start(dataDir, RunningBroker.testUserAuth(false));
        users = broker.broker().users();
        assertTrue(users.user("alice").isEmpty(), "a config user deleted at run time came back");
        assertEquals(Set.of(UserAdmin.ADMINISTRATOR), users.user("carol").orElseThrow().tags());
        assertTrue(users.permissions().contains(
                new UserAdmin.Permission("bob", "/", "^bob\\.", "^bob\\.", "^orders$|^bob\\.")));
        try (Connection carol = connect("carol", "carolpw", "/")) {
            ProtonClientIT.assertRoundTrip(carol, "/queues/anything");
        }
        Connection alice = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user("alice").password("secret"));
        assertThrows(ExecutionException.class, () -> alice.openFuture().get(10, SECONDS));
        alice.close();
    }

    @Test
    void loopbackOnlyUsersLogInFromLoopbackOnly() throws Exception {
        broker.close();
        broker = RunningBroker.start(dataDir.resolve("guest"), "auth:\n  anonymous: false\n  users:\n"
                + "    - name: guest\n      password-hash: \"" + RunningBroker.SECRET_HASH + "\"\n"
                + "      loopback-only: true\n");
        UserAdmin users = broker.broker().users();
        assertTrue(users.user("guest").orElseThrow().loopbackOnly());
        assertTrue(users.authenticate("guest", "secret".toCharArray(), InetAddress.getLoopbackAddress()).isPresent());
        assertTrue(users.authenticate("guest", "secret".toCharArray(),
                InetAddress.getByAddress(new byte[] {10, 1, 2, 3})).isEmpty());
        assertTrue(users.authenticate("guest", "wrong".toCharArray(), InetAddress.getLoopbackAddress()).isEmpty());
        connect("guest", "secret", "/").close();
    }
}
