package io.wharf.broker.config;

import java.util.List;

/**
 * Authentication (yaml section {@code auth}).
 *
 * @param anonymousEnabled {@code auth.anonymous}: offer SASL ANONYMOUS (default true)
 * @param users            {@code auth.users}: users for SASL PLAIN
 */
public record AuthConfig(boolean anonymousEnabled, List<UserConfig> users) {
}
