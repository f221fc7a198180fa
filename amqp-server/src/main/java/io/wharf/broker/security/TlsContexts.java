package io.wharf.broker.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.wharf.broker.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the server {@link SslContext} from {@code tls} in wharf.yaml, for Netty's {@code SslHandler}: the AMQPS
 * listener uses it, and so can the management HTTP server for HTTPS ({@link #server(TlsConfig)} is all it needs).
 * TLS 1.2 and 1.3 only, the JDK's provider (no native library to ship).
 */
public final class TlsContexts {

    /** The protocol versions offered; older ones are refused in the handshake. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * The server context for {@code tls}.
     *
     * @throws IllegalArgumentException when TLS is not configured
     * @throws GeneralSecurityException or {@link IOException} when a store or PEM file cannot be read or used,
     *                                  with the file named in the message
     */
    public static SslContext server(TlsConfig tls) throws GeneralSecurityException, IOException {
        if (!tls.enabled()) {
            throw new IllegalArgumentException("TLS is not configured (tls.key-store or tls.cert-chain)");
        }
        SslContextBuilder builder;
        if (tls.keyStore() != null && !"PEM".equals(tls.keyStoreType())) {
            char[] password = tls.keyStorePassword().toCharArray();
            KeyStore store = load(tls.keyStore(), password, "tls.key-store");
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            builder = SslContextBuilder.forServer(keys);
        } else {
            java.nio.file.Path chain = tls.certChain() != null ? tls.certChain() : tls.keyStore();
            if (tls.privateKey() == null) {
                throw new IllegalArgumentException("tls.key-store-type PEM needs tls.private-key");
            }
            builder = SslContextBuilder.forServer(chain.toFile(), tls.privateKey().toFile());
        }
        if (tls.trustStore() != null) {
            if ("PEM".equals(tls.trustStoreType())) {
                builder.trustManager(tls.trustStore().toFile());
            } else {
                KeyStore trust = load(tls.trustStore(), tls.trustStorePassword().toCharArray(), "tls.trust-store");
                TrustManagerFactory trusted =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trusted.init(trust);
                builder.trustManager(trusted);
            }
        }
        builder.clientAuth(switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case WANT -> ClientAuth.OPTIONAL;
            case NEED -> ClientAuth.REQUIRE;
        });
        return builder.sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
    }

    /**
     * The context for the management HTTPS port ({@code http.tls}): the server key of {@link #server}, but no client
     * certificate is asked for, whatever {@code tls.client-auth} says: HTTP logins are basic auth, and a browser
     * asked for a certificate it does not have would fail the handshake or prompt its user.
     */
    public static SslContext http(TlsConfig tls) throws GeneralSecurityException, IOException {
        return server(new TlsConfig(tls.keyStore(), tls.keyStorePassword(), tls.keyStoreType(), tls.certChain(),
                tls.privateKey(), tls.trustStore(), tls.trustStorePassword(), tls.trustStoreType(),
                TlsConfig.ClientAuth.NONE, tls.amqpPort()));
    }

    private static KeyStore load(java.nio.file.Path file, char[] password, String key)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException(key + " " + file + ": " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * The common name (CN) of the verified client certificate of {@code session}, or null when the client sent
     * none (or it has no CN). What SASL EXTERNAL logs in as.
     */
    public static String peerCommonName(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            return null;
        }
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
