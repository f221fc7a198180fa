package io.wharf.broker.config;

import java.nio.file.Path;

/**
 * The whole broker configuration, read once from {@code wharf.yaml} (plus {@code WHARF_*} environment overrides)
 * by {@link ConfigLoader} and validated there. Immutable; passed to whatever needs a part of it.
 */
public record BrokerConfig(
        AmqpConfig amqp,
        HttpConfig http,
        Path dataDir,
        StoreConfig store,
        LimitsConfig limits,
        QueuesConfig queues,
        AuthConfig auth,
        PluginsConfig plugins) {
}
