package io.wharf.exchange;

import java.util.Locale;

/** The exchange types and how each matches a message against a binding. */
public enum ExchangeType {
    /** Routing key equals binding key. */
    DIRECT,
    /** Every binding, keys ignored. */
    FANOUT,
    /** Binding key is a pattern of {@code .}-separated words; {@code *} is one word, {@code #} zero or more. */
    TOPIC,
    /** Binding arguments against the message's application properties ({@code x-match}). */
    HEADERS;

    /** The name used on the wire and in the metadata store: {@code direct}, {@code fanout}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws TopologyException bad request, naming the type, for an unknown one
     */
    public static ExchangeType parse(String label) {
        if (label != null) {
            for (ExchangeType type : values()) {
                if (type.label().equals(label)) {
                    return type;
                }
            }
        }
        throw TopologyException.badRequest("unknown exchange type '" + label
                + "'; the types are direct, fanout, topic, headers and x-delayed-message");
    }
}
