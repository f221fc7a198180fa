package io.wharf.plugin;

/**
 * A client connection as plugins see it.
 *
 * @param id          broker-assigned connection id, unique while the broker runs
 * @param remoteAddress the peer's socket address, e.g. {@code 127.0.0.1:53412}
 * @param user        the authenticated user name ({@code anonymous} for SASL ANONYMOUS)
 * @param vhost       the virtual host selected by {@code open.hostname}
 * @param containerId the client's {@code open.container-id}
 */
public record ConnectionInfo(String id, String remoteAddress, String user, String vhost, String containerId) {
}
