package io.wharf.broker.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole broker configuration, read once from {@code wharf.yaml} (plus {@code WHARF_*} environment overrides)
 * by {@link ConfigLoader} and validated there. Immutable; passed to whatever needs a part of it.
 *
 * @param vhosts {@code vhosts}: the virtual hosts that exist from the start, {@code /} first (always there); more
 *               can be created through management and are kept in the metadata store
 * @param tls    {@code tls} (and {@code amqp.tls-port}): AMQPS, and the key material HTTPS uses
 */
public record BrokerConfig(
        AmqpConfig amqp,
        HttpConfig http,
        Path dataDir,
        StoreConfig store,
        LimitsConfig limits,
        QueuesConfig queues,
        AuthConfig auth,
        PluginsConfig plugins,
        List<String> vhosts,
        TlsConfig tls) {
}
