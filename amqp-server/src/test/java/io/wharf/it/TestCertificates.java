package io.wharf.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority with a server and client certificates, made at test time with the JDK's
 * {@code keytool} (no test dependency, nothing checked in). Every store is PKCS12 with password {@link #PASSWORD}.
 *
 * <ul>
 *   <li>{@link #trustStore()}: the CA certificate alone (for the broker to check clients, and for clients)</li>
 *   <li>{@link #serverStore()}: key + chain for CN=localhost, SAN localhost and 127.0.0.1</li>
 *   <li>{@link #clientStore(String)}: key + chain for CN=name</li>
 *   <li>{@link #serverPem()}: the server key and chain as PEM files (PKCS#8 key)</li>
 * </ul>
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates create(Path dir) throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        Path ca = dir.resolve("ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Wharf Test CA", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file",
                dir.resolve("ca.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", certificates.trustStore().toString());
        certificates.issue("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        return certificates;
    }

    Path trustStore() {
        return dir.resolve("trust.p12");
    }

    Path serverStore() {
        return dir.resolve("server.p12");
    }

    /** Issues (once) a client certificate with CN={@code name}. */
    Path clientStore(String name) throws Exception {
        Path store = dir.resolve("client-" + name + ".p12");
        if (!Files.exists(store)) {
            issue("client-" + name, "CN=" + name + ",O=Wharf tests", null);
        }
        return store;
    }

    /** The server key as PEM: [certificate chain file, private key file]. */
    Path[] serverPem() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore())) {
            store.load(in, PASSWORD.toCharArray());
        }
        Key key = store.getKey("server", PASSWORD.toCharArray());
        Path keyFile = dir.resolve("server-key.pem");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        StringBuilder chain = new StringBuilder();
        for (java.security.cert.Certificate c : store.getCertificateChain("server")) {
            chain.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Path chainFile = dir.resolve("server-chain.pem");
        Files.writeString(chainFile, chain);
        return new Path[] {chainFile, keyFile};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** A key pair in {@code <name>.p12} whose certificate the CA signed, chain (with the CA) imported. */
    private void issue(String name, String dname, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        String alias = name.startsWith("client-") ? "client" : name;
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "2", "-keystore", store.toString());
        Path csr = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-file", csr.toString());
        Path signed = dir.resolve(name + ".pem");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-validity", "2",
                "-keystore", dir.resolve("ca.p12").toString(), "-infile", csr.toString(), "-outfile",
                signed.toString()));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", signed.toString(), "-keystore",
                store.toString());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
