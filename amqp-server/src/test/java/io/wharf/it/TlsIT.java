package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.plugin.UserAdmin;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Path;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMQPS with Qpid JMS ({@code amqps://}): TLS 1.2/1.3 from a PKCS12 or PEM key, PLAIN over TLS, and SASL EXTERNAL
 * logging in as the client certificate's CN.
 */
@Timeout(120)
class TlsIT {

    @TempDir
    static Path certDir;
    static TestCertificates certificates;

    @TempDir
    Path dataDir;
    RunningBroker broker;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certificates = TestCertificates.create(certDir);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private void startWithKeyStore(String clientAuth) throws Exception {
        broker = RunningBroker.start(dataDir, "tls-port: 0\n", RunningBroker.testUserAuth(false)
                + "tls:\n"
                + "  key-store: " + certificates.serverStore() + "\n"
                + "  key-store-password: " + TestCertificates.PASSWORD + "\n"
                + "  trust-store: " + certificates.trustStore() + "\n"
                + "  trust-store-password: " + TestCertificates.PASSWORD + "\n"
                + "  client-auth: " + clientAuth + "\n");
    }

    private String amqps(String extra) {
        return "amqps://localhost:" + broker.broker().amqpsPort()
                + "?transport.trustStoreLocation=" + certificates.trustStore()
                + "&transport.trustStorePassword=" + TestCertificates.PASSWORD
                + "&transport.storeType=PKCS12" + extra;
    }

    private String withClientCertificate(String name) throws Exception {
        return "&transport.keyStoreLocation=" + certificates.clientStore(name)
                + "&transport.keyStorePassword=" + TestCertificates.PASSWORD
                + "&amqp.saslMechanisms=EXTERNAL";
    }

    private static void assertRoundTrip(Connection connection, String queueName) throws Exception {
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(queueName);
        session.createProducer(queue).send(session.createTextMessage("over TLS"));
        MessageConsumer consumer = session.createConsumer(queue);
        TextMessage received = (TextMessage) consumer.receive(10_000);
        assertNotNull(received, "nothing received on " + queueName);
        assertEquals("over TLS", received.getText());
    }

    @Test
    void qpidJmsOverAmqpsWithPlain() throws Exception {
        startWithKeyStore("want");
        try (Connection connection = new JmsConnectionFactory(amqps("")).createConnection("alice", "secret")) {
            assertRoundTrip(connection, "tls-plain");
        }
        // The plain AMQP port is still there beside it.
        assertTrue(broker.port() != broker.broker().amqpsPort());
    }

    @Test
    void clientCertificateLogsInWithSaslExternal() throws Exception {
        startWithKeyStore("need");
        UserAdmin users = broker.broker().users();
        users.putUser("carol", null, Set.of());
        users.setPermission(new UserAdmin.Permission("carol", "/", "^carol\\.", "^carol\\.", "^carol\\."));
        try (Connection connection = new JmsConnectionFactory(amqps(withClientCertificate("carol")))
                .createConnection()) {
            assertRoundTrip(connection, "carol.tls");
        }
        // A certificate the CA signed for a name that is no user is refused.
        JmsConnectionFactory mallory = new JmsConnectionFactory(amqps(withClientCertificate("mallory")));
        assertThrows(JMSSecurityException.class, () -> mallory.createConnection().start());
    }

    @Test
    void pemKeyAndTls12Only() throws Exception {
        Path[] pem = certificates.serverPem();
        broker = RunningBroker.start(dataDir, "tls-port: 0\n", RunningBroker.testUserAuth(false)
                + "tls:\n  key-store-type: PEM\n  cert-chain: " + pem[0] + "\n  private-key: " + pem[1] + "\n");
        try (Connection connection = new JmsConnectionFactory(amqps("")).createConnection("alice", "secret")) {
            assertRoundTrip(connection, "tls-pem");
        }
        // TLS 1.1 is refused in the handshake.
        SSLContext context = SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(certificates.trustStore())) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        trust.init(store);
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost",
                broker.broker().amqpsPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
        }
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost",
                broker.broker().amqpsPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThrows(javax.net.ssl.SSLException.class, socket::startHandshake);
        } catch (IllegalArgumentException unsupportedByThisJdk) {
            // TLS 1.1 not even known to the client side: nothing to try.
        }
    }
}
