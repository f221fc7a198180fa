package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An exchange: its definition and its bindings (where it is the source), indexed for its type. {@link #match} runs on
 * any thread without locks; {@link #add} and {@link #remove} only on the topology thread, one at a time.
 */
public abstract sealed class Exchange permits DirectExchange, FanoutExchange, TopicExchange, HeadersExchange,
        PluginExchange, PartitionExchange {

    /** The argument naming where messages this exchange cannot route go instead. */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

    private final ExchangeDefinition definition;
    private final ExchangeType type;
    private final String alternateExchange;
    private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();

    Exchange(ExchangeDefinition definition, ExchangeType type) {
        this.definition = definition;
        this.type = type;
        Object alternate = definition.arguments().get(ALTERNATE_EXCHANGE);
        this.alternateExchange = alternate instanceof String s && !s.isEmpty() ? s : null;
    }

    public ExchangeDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    /** The built-in type; null for a type a plugin provides ({@link PluginExchange}; see {@link #typeName()}). */
    public ExchangeType type() {
        return type;
    }

    /** The type's name, built in or from a plugin: {@code direct}, {@code x-consistent-hash}, ... */
    public String typeName() {
        return definition.type();
    }

    public boolean internal() {
        return definition.internal();
    }

    /** The {@code alternate-exchange} argument; null when none. */
    public String alternateExchange() {
        return alternateExchange;
    }

    /** Bindings from this exchange (a snapshot). */
    public List<Binding> bindings() {
        return List.copyOf(bindings);
    }

    public int bindingCount() {
        return bindings.size();
    }

    boolean has(Binding binding) {
        return bindings.contains(binding);
    }

    /** Adds a binding from this exchange; false when it is already there. Topology thread. */
    boolean add(Binding binding) {
        if (!bindings.add(binding)) {
            return false;
        }
        index(binding);
        return true;
    }

    /** Removes a binding from this exchange; false when it was not there. Topology thread. */
    boolean remove(Binding binding) {
        if (!bindings.remove(binding)) {
            return false;
        }
        unindex(binding);
        return true;
    }

    abstract void index(Binding binding);

    abstract void unindex(Binding binding);

    /**
     * Calls {@code sink} with every binding that matches; a binding may come more than once (callers deduplicate
     * the queues). Any thread.
     */
    public abstract void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink);

    @Override
    public String toString() {
        return definition.type() + " exchange '" + name() + "'";
    }
}
