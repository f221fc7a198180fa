package io.wharf.broker.config;

/**
 * The management HTTP listener (yaml section {@code http}).
 *
 * @param host {@code http.host}, default 0.0.0.0
 * @param port {@code http.port}, default 15672
 */
public record HttpConfig(String host, int port) {
}
