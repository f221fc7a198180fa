package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.plugin.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management port over HTTPS ({@code http.tls: true}) with java.net.http trusting the test CA: the REST API and
 * /metrics answer over TLS with the key of section {@code tls}, plain HTTP and clients that do not trust the
 * certificate are refused, and no client certificate is asked for even when AMQPS needs one.
 */
@Timeout(120)
class ManagementHttpsIT {

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

    private static SSLContext trustingTestCa() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.trustStore())) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> get(HttpClient client, String uri) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("alice:secret"
                        .getBytes(StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiAnswersOverHttpsWithTheTlsKeyAndNoClientCertificate() throws Exception {
        // client-auth need: AMQPS refuses clients without a certificate; the HTTP port does not ask for one.
        broker = RunningBroker.start(dataDir, "tls-port: 0\n", RunningBroker.testUserAuth(false)
                + "http:\n  host: 127.0.0.1\n  port: 0\n  tls: true\n"
                + "plugins:\n  enabled: [management, prometheus]\n"
                + "tls:\n"
                + "  key-store: " + certificates.serverStore() + "\n"
                + "  key-store-password: " + TestCertificates.PASSWORD + "\n"
                + "  trust-store: " + certificates.trustStore() + "\n"
                + "  trust-store-password: " + TestCertificates.PASSWORD + "\n"
                + "  client-auth: need\n");
        int port = broker.broker().httpPort();
        HttpClient client = HttpClient.newBuilder().sslContext(trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> overview = get(client, "https://localhost:" + port + "/api/overview");
        assertEquals(200, overview.statusCode(), overview.body());
        assertEquals("Wharf", ((Map<?, ?>) Json.parse(overview.body())).get("product_name"));
        assertTrue(overview.sslSession().isPresent());
        String protocol = overview.sslSession().get().getProtocol();
        assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
        HttpResponse<String> metrics = get(client, "https://localhost:" + port + "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("wharf_up 1"), metrics.body());
        HttpResponse<String> console = get(client, "https://localhost:" + port + "/");
        assertEquals(200, console.statusCode());
        assertTrue(console.body().contains("Wharf"), console.body());

        // One port, one protocol: plain HTTP gets no answer.
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> get(plain, "http://localhost:" + port + "/api/overview"));
        // A client that does not trust the broker's certificate refuses it.
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> get(untrusting, "https://localhost:" + port
                + "/api/overview"));
    }

    @Test
    void aPemKeyServesHttpsToo() throws Exception {
        Path[] pem = certificates.serverPem();
        broker = RunningBroker.start(dataDir, "tls-port: -1\n", RunningBroker.testUserAuth(false)
                + "http:\n  host: 127.0.0.1\n  port: 0\n  tls: true\n"
                + "plugins:\n  enabled: [management]\n"
                + "tls:\n  key-store-type: PEM\n  cert-chain: " + pem[0] + "\n  private-key: " + pem[1] + "\n");
        HttpClient client = HttpClient.newBuilder().sslContext(trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> whoami = get(client, "https://127.0.0.1:" + broker.broker().httpPort() + "/api/whoami");
        assertEquals(200, whoami.statusCode(), whoami.body());
        assertEquals("alice", ((Map<?, ?>) Json.parse(whoami.body())).get("name"));

        // wharfctl over HTTPS, trusting the test CA's PEM certificate.
        String port = String.valueOf(broker.broker().httpPort());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = io.wharf.broker.WharfCtlCommand.run(new String[] {"--host", "localhost", "--port", port,
                "--user", "alice", "--password", "secret", "--cacert", certDir.resolve("ca.pem").toString(),
                "list-users"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("alice"), out.toString(StandardCharsets.UTF_8));
        // Without the CA (the JDK's CAs do not know the test CA) the handshake fails: unreachable, reason printed.
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(3, io.wharf.broker.WharfCtlCommand.run(new String[] {"--host", "localhost", "--port", port,
                "--user", "alice", "--password", "secret", "list-users"}, Map.of("WHARF_HTTP_TLS", "true"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(refused, true, StandardCharsets.UTF_8)));
        assertTrue(refused.toString(StandardCharsets.UTF_8).contains("https://"),
                refused.toString(StandardCharsets.UTF_8));
    }
}
