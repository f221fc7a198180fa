package io.wharf.exchange;

import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.ExchangeDefinition;

/**
 * Told about topology changes once they took effect, on the topology thread (must not block). Not told about what
 * recovery brings back at start. The broker turns these into plugin events.
 */
public interface TopologyListener {

    TopologyListener NONE = new TopologyListener() {
    };

    default void exchangeDeclared(ExchangeDefinition exchange) {
    }

    default void exchangeDeleted(ExchangeDefinition exchange) {
    }

    default void bindingAdded(BindingDefinition binding) {
    }

    default void bindingRemoved(BindingDefinition binding) {
    }
}
