package io.wharf.broker.config;

import java.nio.file.Path;

/**
 * TLS for AMQPS (and, through {@code io.wharf.broker.security.TlsContexts}, HTTPS) (yaml section {@code tls}).
 * TLS is on when a key store ({@code key-store}) or a PEM pair ({@code cert-chain} + {@code private-key}) is set.
 *
 * @param keyStore           {@code tls.key-store}: PKCS12 file holding the server's key and certificate chain
 * @param keyStorePassword   {@code tls.key-store-password} (also the key's password)
 * @param keyStoreType       {@code tls.key-store-type}: PKCS12 (default) or PEM
 * @param certChain          {@code tls.cert-chain}: PEM certificate chain, server certificate first (type PEM)
 * @param privateKey         {@code tls.private-key}: PEM PKCS#8 private key, unencrypted (type PEM)
 * @param trustStore         {@code tls.trust-store}: CAs client certificates are checked against (PKCS12, or a PEM
 *                           file of certificates when {@code trust-store-type} is PEM); default: the JDK's CAs
 * @param trustStorePassword {@code tls.trust-store-password}
 * @param trustStoreType     {@code tls.trust-store-type}: PKCS12 (default) or PEM
 * @param clientAuth         {@code tls.client-auth}: none (default), want, need
 * @param amqpPort           {@code amqp.tls-port}: the AMQPS port, default 5671; 0 picks a free port, -1 disables
 */
public record TlsConfig(Path keyStore, String keyStorePassword, String keyStoreType, Path certChain,
        Path privateKey, Path trustStore, String trustStorePassword, String trustStoreType, ClientAuth clientAuth,
        int amqpPort) {

    /** Whether clients are asked for a certificate. */
    public enum ClientAuth { NONE, WANT, NEED }

    /** Whether a server key is configured (TLS listeners can start). */
    public boolean enabled() {
        return keyStore != null || certChain != null;
    }
}
