package io.wharf.exchange;

import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.store.meta.ExchangeDefinition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange types a broker knows: the four built in ({@link ExchangeType}) and those plugins provide
 * ({@link ExchangeTypeProvider}), by name. One per broker, shared by every virtual host's {@link Topology}.
 *
 * <p>Design note. Plugins start after stored exchanges are recovered (they may use the broker in their start), so an
 * exchange of a plugin type can exist before its type does. Such an exchange is created anyway, as a
 * {@link PluginExchange} waiting for its type: it routes nothing until a provider of that type is registered, then
 * routes normally. Declaring a new exchange of an unknown type is still refused.
 */
public final class ExchangeTypes {

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeTypes.class);

    private final ConcurrentHashMap<String, ExchangeTypeProvider> provided = new ConcurrentHashMap<>();
    /** Exchanges of plugin types, so that a type registered late reaches those created before it. */
    private final List<PluginExchange> pluginExchanges = new CopyOnWriteArrayList<>();

    /** Registers a plugin's type. Any thread. */
    public void register(ExchangeTypeProvider provider) {
        String name = provider.type();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an exchange type needs a name");
        }
        if (builtIn(name) != null) {
            throw new IllegalArgumentException("'" + name + "' is a built-in exchange type");
        }
        ExchangeTypeProvider had = provided.putIfAbsent(name, provider);
        if (had != null) {
            throw new IllegalArgumentException("exchange type '" + name + "' is provided already (by "
                    + had.getClass().getName() + ")");
        }
        for (PluginExchange exchange : pluginExchanges) {
            if (exchange.definition().type().equals(name)) {
                exchange.provide(provider);
            }
        }
    }

    /** The names of the plugin-provided types. */
    public Set<String> pluginTypes() {
        return Set.copyOf(provided.keySet());
    }

    /** Every exchange still waiting for a plugin to provide its type, for a warning once plugins have started. */
    public List<Exchange> waiting() {
        return pluginExchanges.stream().filter(x -> !x.provided()).map(x -> (Exchange) x).toList();
    }

    /**
     * Checks that {@code type} names a known type.
     *
     * @throws TopologyException bad request naming the types there are
     */
    void check(String type) {
        if (type == null || (builtIn(type) == null && !DelayedMessageExchange.TYPE.equals(type)
                && !provided.containsKey(type))) {
            Set<String> names = new TreeSet<>(provided.keySet());
            throw TopologyException.badRequest("unknown exchange type '" + type + "'; the types are direct, fanout,"
                    + " topic, headers, x-partition and " + DelayedMessageExchange.TYPE + (names.isEmpty() ? "" : ", and from plugins " + String.join(", ", names)));
        }
    }

    /** A plugin type checks its exchanges' arguments: 400 with the plugin's message when it refuses them. */
    void checkArguments(ExchangeDefinition definition) {
        ExchangeTypeProvider provider = provided.get(definition.type());
        if (provider == null) {
            return;
        }
        try {
            provider.checkExchange(definition.arguments());
        } catch (IllegalArgumentException e) {
            throw TopologyException.badRequest("exchange '" + definition.name() + "': " + e.getMessage());
        }
    }

    /** A plugin type checks a binding from one of its exchanges: 400 with the plugin's message when refused. */
    void checkBinding(Binding binding) {
        ExchangeTypeProvider provider = provided.get(binding.source().typeName());
        if (provider == null) {
            return;
        }
        try {
            provider.checkBinding(PluginExchange.view(binding.definition()));
        } catch (IllegalArgumentException e) {
            throw TopologyException.badRequest("binding from exchange '" + binding.source().name() + "': "
                    + e.getMessage());
        }
    }

    /** The provider of a plugin type, or null (built-in type, or not provided yet). */
    ExchangeTypeProvider provider(String type) {
        return provided.get(type);
    }

    /**
     * A new, empty exchange of the definition's type.
     *
     * @param waitForType whether an unknown non-built-in type makes an exchange waiting for it (recovery) rather
     *                    than an error (a declaration)
     */
    Exchange create(ExchangeDefinition definition, boolean waitForType) {
        ExchangeType type = DelayedMessageExchange.TYPE.equals(definition.type())
                ? DelayedMessageExchange.routingType(definition) : builtIn(definition.type());
        if (type != null) {
            return switch (type) {
                case DIRECT -> new DirectExchange(definition);
                case FANOUT -> new FanoutExchange(definition);
                case TOPIC -> new TopicExchange(definition);
                case HEADERS -> new HeadersExchange(definition);
                case PARTITION -> new PartitionExchange(definition);
            };
        }
        ExchangeTypeProvider provider = provided.get(definition.type());
        if (provider == null && !waitForType) {
            check(definition.type());
        }
        if (definition.type() == null || definition.type().isBlank()) {
            throw TopologyException.badRequest("exchange '" + definition.name() + "' has no type");
        }
        PluginExchange exchange = new PluginExchange(definition);
        pluginExchanges.add(exchange);
        if (provider != null) {
            exchange.provide(provider);
        } else {
            provider = provided.get(definition.type());
            if (provider != null) {
                exchange.provide(provider);
            }
        }
        return exchange;
    }

    /** An exchange left its topology. */
    void removed(Exchange exchange) {
        if (exchange instanceof PluginExchange plugin) {
            pluginExchanges.remove(plugin);
        }
    }

    private static ExchangeType builtIn(String label) {
        if (label == null) {
            return null;
        }
        for (ExchangeType type : ExchangeType.values()) {
            if (type.label().equals(label)) {
                return type;
            }
        }
        return null;
    }

    /** Warns once for each exchange still waiting for its type (called once plugins have started). */
    public void warnWaiting() {
        waiting().forEach(ExchangeTypes::logWaiting);
    }

    private static void logWaiting(Exchange exchange) {
        LOG.warn("Exchange '{}' in vhost '{}' has type '{}', which no started plugin provides; it routes nothing "
                + "until one does", exchange.name(), exchange.definition().vhost(), exchange.definition().type());
    }
}
