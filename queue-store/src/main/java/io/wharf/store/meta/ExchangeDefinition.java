package io.wharf.store.meta;

import java.util.Map;

/**
 * A declared exchange as it is stored.
 *
 * @param vhost      virtual host name ({@code /} by default)
 * @param name       exchange name
 * @param type       {@code direct}, {@code fanout}, {@code topic} or {@code headers}
 * @param durable    survives a restart
 * @param autoDelete deleted when its last binding (as a source) is removed
 * @param internal   takes messages only from other exchanges, never from publishers
 * @param arguments  e.g. {@code alternate-exchange}; values as in {@link Arguments#normalized}
 */
public record ExchangeDefinition(String vhost, String name, String type, boolean durable, boolean autoDelete,
        boolean internal, Map<String, Object> arguments) {

    public ExchangeDefinition {
        arguments = Arguments.normalized(arguments);
    }
}
