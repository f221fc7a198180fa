package io.wharf.store.meta;

import java.util.Map;

/**
 * A binding as it is stored: messages the source exchange routes with a matching key (or, for a headers exchange,
 * matching arguments) go on to the destination queue or exchange. Two bindings with the same fields are the same
 * binding.
 *
 * @param vhost           virtual host name
 * @param source          source exchange name
 * @param destinationKind whether {@code destination} names a queue or an exchange
 * @param destination     destination name
 * @param routingKey      binding key ({@code ""} when none)
 * @param arguments       binding arguments (the headers exchange matches on them); values as in
 *                        {@link Arguments#normalized}
 */
public record BindingDefinition(String vhost, String source, DestinationKind destinationKind, String destination,
        String routingKey, Map<String, Object> arguments) {

    /** What a binding delivers to. */
    public enum DestinationKind {
        QUEUE("queue"), EXCHANGE("exchange");

        private final String label;

        DestinationKind(String label) {
            this.label = label;
        }

        /** {@code queue} or {@code exchange}: how the kind is stored and shown. */
        public String label() {
            return label;
        }

        public static DestinationKind of(String label) {
            for (DestinationKind kind : values()) {
                if (kind.label.equals(label)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown binding destination kind '" + label + "'");
        }
    }

    public BindingDefinition {
        routingKey = routingKey == null ? "" : routingKey;
        arguments = Arguments.normalized(arguments);
    }
}
