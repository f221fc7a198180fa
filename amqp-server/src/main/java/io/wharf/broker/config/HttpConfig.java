package io.wharf.broker.config;

/**
 * The management HTTP listener and the message rates it shows (yaml section {@code http}).
 *
 * @param host            {@code http.host}, default 0.0.0.0
 * @param port            {@code http.port}, default 15672; 0 picks a free port
 * @param enabled         {@code http.enabled}, default true; the listener starts only when a plugin serves a route
 * @param ratesIntervalMs {@code http.rates-interval-ms}, default 5000: how often message counters are sampled
 * @param ratesSamples    {@code http.rates-samples}, default 12: samples kept per queue, exchange, connection, link
 * @param tls             {@code http.tls}, default false: the port serves HTTPS only, with the key and certificate
 *                        of section {@code tls} (which must have one)
 */
public record HttpConfig(String host, int port, boolean enabled, long ratesIntervalMs, int ratesSamples,
        boolean tls) {

    /** Defaults for everything but the address. */
    public HttpConfig(String host, int port) {
        this(host, port, true, 5000, 12, false);
    }
}
