package io.wharf.exchange;

import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.queue.MessageQueue;

/**
 * A binding with its source and destination resolved: exactly one of {@code queue} and {@code exchange} (the
 * destination) is set. Equal definitions make equal bindings (the resolved objects follow from the definition).
 */
public record Binding(BindingDefinition definition, Exchange source, MessageQueue queue, Exchange exchange) {

    public Binding {
        if ((queue == null) == (exchange == null)) {
            throw new IllegalArgumentException("a binding goes to a queue or to an exchange");
        }
    }

    public String routingKey() {
        return definition.routingKey();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Binding other && definition.equals(other.definition);
    }

    @Override
    public int hashCode() {
        return definition.hashCode();
    }

    @Override
    public String toString() {
        return definition.source() + " -> " + definition.destinationKind().label() + " " + definition.destination()
                + " [" + definition.routingKey() + "]" + (definition.arguments().isEmpty() ? ""
                : " " + definition.arguments());
    }
}
