package io.wharf.it;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.exceptions.ClientConnectionRemotelyClosedException;
import org.apache.qpid.protonj2.client.exceptions.ClientLinkRemotelyClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every limit of the limits section (and amqp.channel-max, amqp.max-message-size-bytes) refused as it says. */
@Timeout(60)
class LimitsIT {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Client client;

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

    private void start(String amqpKeys, String limits) throws Exception {
        broker = RunningBroker.start(dataDir, amqpKeys, RunningBroker.testUserAuth(true) + "vhosts: [staging]\n"
                + "limits:\n" + limits.lines().map(l -> "  " + l + "\n").reduce("", String::concat));
    }

    private Connection connect(String user, String vhost) throws Exception {
        ConnectionOptions options = new ConnectionOptions().virtualHost("vhost:" + vhost);
        if (user != null) {
            options.user(user).password("secret");
        } else {
            options.saslOptions().addAllowedMechanism("ANONYMOUS");
        }
        Connection connection = client.connect("127.0.0.1", broker.port(), options);
        connection.openFuture().get(10, SECONDS);
        return connection;
    }

    /** The open is answered with a close carrying amqp:resource-limit-exceeded that names {@code key}. */
    private void assertConnectionRefused(String user, String vhost, String key) throws Exception {
        ConnectionOptions options = new ConnectionOptions().virtualHost("vhost:" + vhost);
        if (user != null) {
            options.user(user).password("secret");
        } else {
            options.saslOptions().addAllowedMechanism("ANONYMOUS");
        }
        Connection refused = client.connect("127.0.0.1", broker.port(), options);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> refused.openSender("/queues/q").openFuture().get(10, SECONDS));
        assertTrue(e.getCause() instanceof ClientConnectionRemotelyClosedException, e.getCause().toString());
        var condition = ((ClientConnectionRemotelyClosedException) e.getCause()).getErrorCondition();
        assertEquals("amqp:resource-limit-exceeded", condition.condition());
        assertTrue(condition.description().contains(key), condition.description());
        refused.close();
    }

    @Test
    void maxConnectionsIsBrokerWide() throws Exception {
        start("", "max-connections: 2");
        Connection first = connect("alice", "/");
        Connection second = connect(null, "staging");
        assertConnectionRefused("alice", "/", "limits.max-connections");
        first.close();
        ProtonClientIT.assertRoundTrip(second, "/queues/still");
        try (Connection again = connect("alice", "/")) {
            ProtonClientIT.assertRoundTrip(again, "/queues/again");
        }
    }

    @Test
    void maxConnectionsPerUserAndPerVhost() throws Exception {
        start("", "max-connections-per-user: 1\nmax-connections-per-vhost: 1");
        Connection alice = connect("alice", "/");
        assertConnectionRefused("alice", "staging", "limits.max-connections-per-user");
        Connection anonymous = connect(null, "/");
        assertConnectionRefused(null, "/", "limits.max-connections-per-vhost");
        connect(null, "staging").close();
        alice.close();
        anonymous.close();
        connect("alice", "/").close();
    }

    @Test
    void maxQueuesPerVhost() throws Exception {
        start("", "max-queues-per-vhost: 2");
        try (Connection alice = connect("alice", "/"); ManagementClient management = new ManagementClient(alice)) {
            ProtonClientIT.assertRoundTrip(alice, "/queues/one");
            assertEquals(201, management.call("PUT", "/queues/two", Map.of()).status());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> alice.openReceiver("/queues/three").openFuture().get(5, SECONDS));
            var condition = ((ClientLinkRemotelyClosedException) e.getCause()).getErrorCondition();
            assertEquals("amqp:resource-limit-exceeded", condition.condition());
            assertTrue(condition.description().contains("limits.max-queues-per-vhost"), condition.description());
            ManagementClient.Response declared = management.call("PUT", "/queues/four", Map.of());
            assertEquals(403, declared.status());
            assertTrue(String.valueOf(declared.body()).contains("limits.max-queues-per-vhost"));
            ExecutionException dynamic = assertThrows(ExecutionException.class,
                    () -> alice.openDynamicReceiver().openFuture().get(5, SECONDS));
            assertEquals("amqp:resource-limit-exceeded",
                    ((ClientLinkRemotelyClosedException) dynamic.getCause()).getErrorCondition().condition());
            // Other vhosts count their own queues; existing queues still work.
            ProtonClientIT.assertRoundTrip(alice, "/queues/one");
            try (Connection staging = connect("alice", "staging")) {
                ProtonClientIT.assertRoundTrip(staging, "/queues/three");
            }
            assertNull(broker.broker().queues().get("three"));
        }
    }

    /** A link whose message passes amqp.max-message-size-bytes is detached as the transfers arrive. */
    @Test
    void aMessageOverTheMaxSizeDetachesTheLinkAndTheConnectionGoesOn() throws Exception {
        start("max-frame-size-bytes: 512\nmax-message-size-bytes: 2000\n", "");
        try (ScriptedPeer peer = ScriptedPeer.connect(broker.port()).open(0)) {
            peer.awaitRemoteOpen(ANSWER_WITHIN);
            Session session = peer.connection().session();
            session.open();
            org.apache.qpid.proton.engine.Sender sender = session.sender("big");
            Target target = new Target();
            target.setAddress("/queues/big");
            sender.setTarget(target);
            sender.open();
            peer.pumpUntil(ANSWER_WITHIN, false, () -> sender.getCredit() > 0);
            assertEquals(2000, sender.getRemoteMaxMessageSize().longValue());
            byte[] message = new byte[64 * 1024];
            message[0] = 0x00; // the first bytes need not be a message: the size is what is checked
            sender.delivery(new byte[] {1});
            sender.send(message, 0, message.length);
            sender.advance();
            peer.pumpUntil(ANSWER_WITHIN, false, () -> sender.getRemoteState() == EndpointState.CLOSED);
            assertEquals(Symbol.valueOf("amqp:link:message-size-exceeded"), sender.getRemoteCondition().getCondition());
            assertTrue(sender.getRemoteCondition().getDescription().contains("amqp.max-message-size-bytes"));
            assertFalse(peer.endOfStream());
            assertEquals(EndpointState.ACTIVE, peer.connection().getRemoteState());
            assertEquals(0, broker.broker().queues().get("big").messageCount());
        }
        try (Connection alice = connect("alice", "/")) {
            ProtonClientIT.assertRoundTrip(alice, "/queues/big");
        }
    }

    /** amqp.channel-max: a begin on a channel above it ends the connection. */
    @Test
    void sessionsOverChannelMaxAreRefused() throws Exception {
        start("channel-max: 1\n", "");
        try (ScriptedPeer peer = ScriptedPeer.connect(broker.port()).open(0)) {
            peer.awaitRemoteOpen(ANSWER_WITHIN);
            assertEquals(1, peer.transport().getRemoteChannelMax());
            Session first = peer.connection().session();
            first.open();
            Session second = peer.connection().session();
            second.open();
            peer.pumpUntil(ANSWER_WITHIN, false, () -> second.getRemoteState() == EndpointState.ACTIVE);
            // proton-j as a client keeps to the channel-max it was given: write a begin on channel 2 by hand.
            peer.sendRaw(new byte[] {0, 0, 0, 0x1b, 2, 0, 0, 2, 0x00, 0x53, 0x11, (byte) 0xc0, 0x0e, 0x04,
                    0x40, 0x52, 0x00, 0x70, 0x00, 0x00, 0x08, 0x00, 0x70, 0x00, 0x00, 0x08, 0x00});
            ScriptedPeer.Ending ending = peer.awaitEndOfStream(ANSWER_WITHIN);
            assertTrue(ending.closeFrameReceived(), "socket closed without a close frame");
            assertNotNull(ending.condition());
        }
        try (Connection alice = connect("alice", "/")) {
            ProtonClientIT.assertRoundTrip(alice, "/queues/after");
        }
    }

    /** limits.handshake-timeout-ms: a client that never finishes SASL is disconnected. */
    @Test
    void aConnectionThatNeverFinishesSaslIsClosed() throws Exception {
        // Not shorter: a loaded machine can take a good part of a second over a real client's handshake.
        start("idle-timeout-ms: 0\n", "handshake-timeout-ms: 3000");
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            socket.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int read;
            do {
                try {
                    read = in.read();
                } catch (SocketException reset) {
                    read = -1;
                }
            } while (read >= 0);
        }
        try (Socket silent = new Socket("127.0.0.1", broker.port())) {
            silent.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            assertEquals(-1, silent.getInputStream().read(), "a silent socket is closed too");
        }
        try (Connection alice = connect("alice", "/")) {
            ProtonClientIT.assertRoundTrip(alice, "/queues/after");
        }
    }
}
