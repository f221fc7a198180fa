package io.wharf.broker.security;

import io.wharf.broker.config.LimitsConfig;

/**
 * What every connection needs to keep clients within their rights: permissions, the connection counters and the
 * limits of {@code limits}.
 */
public record Security(AccessControl access, ConnectionLimits connections, LimitsConfig limits) {
}
