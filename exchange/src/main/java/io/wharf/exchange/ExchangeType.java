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
    HEADERS,
    /**
     * A partitioned stream's exchange ({@code x-partition}): the routing key's hash picks one partition, the
     * binding whose key is that partition's number ({@link PartitionExchange}). Not predeclared.
     */
    PARTITION("x-partition");

    private final String label;

    ExchangeType() {
        this.label = name().toLowerCase(Locale.ROOT);
    }

    ExchangeType(String label) {
        this.label = label;
    }

    /** The name used on the wire and in the metadata store: {@code direct}, {@code fanout}, ... */
    public String label() {
        return label;
    }

    /** Whether every virtual host has an {@code amq.<label>} exchange of this type. */
    public boolean predeclared() {
        return this != PARTITION;
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
                + "'; the types are direct, fanout, topic, headers, x-partition and x-delayed-message");
    }
}
