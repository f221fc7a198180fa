package io.wharf.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.broker.plugin.PluginHost.PluginStatus;
import io.wharf.plugin.MessageInterceptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
import org.apache.qpid.protonj2.client.exceptions.ClientConnectionSecuritySaslException;
import org.apache.qpid.protonj2.client.exceptions.ClientLinkRemotelyClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins from jars (issue 11): each test builds plugin jars at test time ({@link ProbePlugins}), drops them into a
 * plugins folder, starts a real broker with {@code plugins.dir} there and talks to it with the protonj2 client. The
 * probe plugin writes what its interceptor and listener see to a file, which the tests read.
 */
@Timeout(60)
class PluginJarIT {

    private static final long ARRIVES_MS = 5_000;
    private static final long NOTHING_MORE_MS = 300;

    /** The jars are built once for the class: compiling is the slow part. */
    @TempDir
    static Path jars;
    private static Path pluginsDir;

    @TempDir
    Path tmp;
    private Path dataDir;
    private Path seen;
    private RunningBroker broker;
    private Client client;

    @BeforeAll
    static void buildPlugins() throws Exception {
        pluginsDir = jars.resolve("plugins");
        ProbePlugins.build(jars.resolve("build"), pluginsDir);
    }

    @BeforeEach
    void createClient() {
        dataDir = tmp.resolve("data");
        seen = tmp.resolve("seen.txt");
        client = Client.create();
    }

    @AfterEach
    void stop() {
        client.close();
        if (broker != null) {
            broker.close();
        }
    }

    private void start(String enabled) throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "plugins:\n"
                + "  dir: " + pluginsDir + "\n"
                + "  enabled: [" + enabled + "]\n"
                + "  settings:\n"
                + "    probe:\n"
                + "      file: " + seen + "\n"
                + "      reject-subject: forbidden\n"
                + "      forbidden-prefix: locked\n"
                + "      users:\n"
                + "        carol: carols-password\n");
    }

    private List<String> seenLines() throws Exception {
        return Files.exists(seen) ? Files.readAllLines(seen) : List.of();
    }

    private void awaitSeen(String line) {
        await().atMost(10, SECONDS).until(() -> seenLines().contains(line));
    }

    @Test
    void interceptorInAJarSeesMessagesPublishedRoutedDeliveredAndSettled() throws Exception {
        start("probe");
        assertEquals(List.of("probe"), broker.broker().plugins().started());
        Connection connection = connect("alice", "secret");
        Sender sender = connection.openSender("/queues/orders");
        sender.send(Message.create("one").messageId("m1")).awaitAccepted(5, SECONDS);
        sender.send(Message.create("two").messageId("m2")).awaitAccepted(5, SECONDS);
        Receiver receiver = connection.openReceiver("/queues/orders");
        assertEquals("one", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertEquals("two", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());

        awaitSeen("publish /queues/orders m1");
        awaitSeen("route  orders orders");
        awaitSeen("publish /queues/orders m2");
        awaitSeen("deliver orders m1");
        awaitSeen("deliver orders m2");
        await().atMost(10, SECONDS).until(() -> seenLines().stream()
                .filter(line -> line.equals("settle orders ACCEPTED")).count() == 2);
        // lifecycle events, from the same plugin
        awaitSeen("event brokerStarted 0.1.0");
        awaitSeen("event queueDeclared orders");
        awaitSeen("event consumerAttached orders");
        receiver.close();
        awaitSeen("event consumerDetached orders");
    }

    @Test
    void interceptorRejectsAMessageWithItsOwnErrorAndTheOthersPass() throws Exception {
        start("probe");
        Connection connection = connect("alice", "secret");
        Sender sender = connection.openSender("/queues/guarded");
        Tracker refused = sender.send(Message.create("no").messageId("r1").subject("forbidden"));
        DeliveryState state = refused.awaitSettlement(5, SECONDS).remoteState();
        assertTrue(state.isRejected(), "expected rejected, was " + state.getType());
        assertEquals("wharf-test:refused", ((Rejected) state).getCondition());
        assertEquals("probe refuses subject forbidden", ((Rejected) state).getDescription());
        sender.send(Message.create("yes").messageId("a1").subject("fine")).awaitAccepted(5, SECONDS);

        Receiver receiver = connection.openReceiver("/queues/guarded");
        assertEquals("yes", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS), "the refused message was stored");
    }

    @Test
    void throwingInterceptorIsIsolatedThenDisabledWhileTheBrokerAndOtherPluginsGoOn() throws Exception {
        start("faulty, probe");
        Connection connection = connect("alice", "secret");
        Sender sender = connection.openSender("/queues/work");
        int count = MessageInterceptor.FAILURE_LIMIT + 20;
        for (int i = 0; i < count; i++) {
            sender.send(Message.create("m" + i).messageId("w" + i)).awaitAccepted(5, SECONDS);
        }
        Receiver receiver = connection.openReceiver("/queues/work");
        for (int i = 0; i < count; i++) {
            Delivery delivery = receiver.receive(ARRIVES_MS, MILLISECONDS);
            assertNotNull(delivery, "message " + i + " did not arrive");
            assertEquals("m" + i, delivery.message().body());
        }
        Map<String, PluginStatus> status = broker.broker().plugins().status().stream()
                .collect(java.util.stream.Collectors.toMap(PluginStatus::name, s -> s));
        assertEquals("disabled", status.get("faulty").state());
        assertEquals(MessageInterceptor.FAILURE_LIMIT, status.get("faulty").failures());
        assertEquals("running", status.get("probe").state());
        // the well-behaved plugin saw every message, before and after its neighbour was disabled
        awaitSeen("publish /queues/work w0");
        awaitSeen("publish /queues/work w" + (count - 1));
        awaitSeen("deliver work w" + (count - 1));
    }

    @Test
    void authenticationProviderDecidesBeforeTheBuiltInUsers() throws Exception {
        start("probe");
        // carol exists only in the plugin
        Connection carol = connect("carol", "carols-password");
        carol.openSender("/queues/c").send(Message.create("hi")).awaitAccepted(5, SECONDS);
        // the plugin abstains for alice: the broker's own users decide
        connect("alice", "secret");
        // refused by the plugin, whatever the password
        assertLoginRefused("mallory", "anything");
        assertLoginRefused("carol", "wrong");
    }

    @Test
    void authorizationProviderVetoesConsumingAndDeclaringButNotOtherQueues() throws Exception {
        start("probe");
        Connection connection = connect("alice", "secret");
        connection.openSender("/queues/locked-box").send(Message.create("x")).awaitAccepted(5, SECONDS);
        Receiver refused = connection.openReceiver("/queues/locked-box");
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> refused.openFuture().get(5, SECONDS));
        ClientLinkRemotelyClosedException closed =
                assertInstanceOf(ClientLinkRemotelyClosedException.class, failure.getCause());
        assertEquals("amqp:unauthorized-access", closed.getErrorCondition().condition());
        assertTrue(closed.getErrorCondition().description().contains("plugin 'probe'"),
                closed.getErrorCondition().description());

        try (ManagementClient management = new ManagementClient(connection)) {
            ManagementClient.Response response = management.call("PUT", "/queues/locked-two", Map.of());
            assertEquals(403, response.status(), String.valueOf(response.body()));
            assertEquals(201, management.call("PUT", "/queues/open-two", Map.of()).status());
        }
        assertNull(broker.broker().queues().get("locked-two"));
    }

    @Test
    void exchangeTypeFromAPluginIsDeclaredBoundRoutedAndRecovered() throws Exception {
        start("probe");
        Connection connection = connect("alice", "secret");
        try (ManagementClient management = new ManagementClient(connection)) {
            assertEquals(204, management.call("PUT", "/exchanges/by-suffix",
                    Map.of("type", "x-suffix", "durable", true)).status());
            ManagementClient.Response unknown = management.call("PUT", "/exchanges/nope", Map.of("type", "x-nope"));
            assertEquals(400, unknown.status());
            assertTrue(String.valueOf(unknown.body()).contains("x-suffix"), String.valueOf(unknown.body()));
            assertEquals(201, management.call("PUT", "/queues/eu-all", Map.of()).status());
            assertEquals(204, management.call("POST", "/bindings", Map.of("source", "by-suffix",
                    "destination_queue", "eu-all", "binding_key", ".eu")).status());
            ManagementClient.Response empty = management.call("POST", "/bindings", Map.of("source", "by-suffix",
                    "destination_queue", "eu-all", "binding_key", ""));
            assertEquals(400, empty.status());
            assertTrue(String.valueOf(empty.body()).contains("non-empty key"), String.valueOf(empty.body()));
        }
        awaitSeen("event exchangeDeclared by-suffix x-suffix");
        awaitSeen("event bindingAdded by-suffix eu-all");
        assertSuffixRouting(connection);
        connection.close();

        // After a restart without the plugin the exchange is kept but routes nothing; with it back, it routes again.
        broker.close();
        broker = RunningBroker.withTestUser(dataDir, "plugins:\n  dir: " + pluginsDir + "\n");
        Connection without = connect("alice", "secret");
        Tracker released = without.openSender("/exchanges/by-suffix/orders.eu").send(Message.create("lost"));
        assertTrue(released.awaitSettlement(5, SECONDS).remoteState().isReleased());
        without.close();
        broker.close();
        start("probe");
        assertSuffixRouting(connect("alice", "secret"));
    }

    private void assertSuffixRouting(Connection connection) throws Exception {
        connection.openSender("/exchanges/by-suffix/orders.eu").send(Message.create("eu order"))
                .awaitAccepted(5, SECONDS);
        Tracker released = connection.openSender("/exchanges/by-suffix/orders.us").send(Message.create("us order"));
        assertTrue(released.awaitSettlement(5, SECONDS).remoteState().isReleased(), "an unroutable message");
        Receiver receiver = connection.openReceiver("/queues/eu-all");
        assertEquals("eu order", receiver.receive(ARRIVES_MS, MILLISECONDS).message().body());
        assertNull(receiver.receive(NOTHING_MORE_MS, MILLISECONDS));
        receiver.close();
    }

    private Connection connect(String user, String password) throws Exception {
        Connection connection = client.connect("127.0.0.1", broker.port(),
                new ConnectionOptions().user(user).password(password));
        connection.openFuture().get(10, SECONDS);
        return connection;
    }

    private void assertLoginRefused(String user, String password) {
        Connection connection;
        try {
            connection = client.connect("127.0.0.1", broker.port(),
                    new ConnectionOptions().user(user).password(password));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Future<Connection> open = connection.openFuture();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> open.get(10, SECONDS));
        assertInstanceOf(ClientConnectionSecuritySaslException.class, failure.getCause());
    }
}
