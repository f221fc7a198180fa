package io.wharf.exchange;

import io.wharf.plugin.ExchangeBinding;
import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exchange whose type a plugin provides: the bindings are kept here, the matching is the plugin's
 * {@link ExchangeTypeProvider.Router}. Until a provider is there (a stored exchange recovered before its plugin
 * started) it routes nothing.
 */
public final class PluginExchange extends Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(PluginExchange.class);

    /** The bindings as the plugin sees them and the bindings they stand for; replaced together, never changed. */
    private record Snapshot(List<ExchangeBinding> list, IdentityHashMap<ExchangeBinding, Binding> bindings) {
    }

    private volatile Snapshot snapshot = new Snapshot(List.of(), new IdentityHashMap<>());
    private volatile ExchangeTypeProvider.Router router;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    PluginExchange(ExchangeDefinition definition) {
        super(definition, null);
    }

    /** The type arrived: from now on messages route through its router. */
    void provide(ExchangeTypeProvider provider) {
        try {
            router = provider.router(definition().vhost(), name(), definition().arguments());
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Exchange type '{}' failed to make a router for exchange '{}'; it routes nothing",
                    definition().type(), name(), e);
        }
    }

    boolean provided() {
        return router != null;
    }

    /** What the plugin is shown of a binding. */
    static ExchangeBinding view(io.wharf.store.meta.BindingDefinition d) {
        return new ExchangeBinding(d.destination(), d.destinationKind() == DestinationKind.QUEUE, d.routingKey(),
                d.arguments());
    }

    @Override
    void index(Binding binding) {
        rebuild(binding, null);
    }

    @Override
    void unindex(Binding binding) {
        rebuild(null, binding);
    }

    private void rebuild(Binding added, Binding removed) {
        Snapshot current = snapshot;
        List<ExchangeBinding> list = new ArrayList<>(current.list().size() + 1);
        IdentityHashMap<ExchangeBinding, Binding> bindings = new IdentityHashMap<>();
        for (Map.Entry<ExchangeBinding, Binding> e : current.bindings().entrySet()) {
            if (!e.getValue().equals(removed)) {
                bindings.put(e.getKey(), e.getValue());
            }
        }
        for (ExchangeBinding b : current.list()) {
            if (bindings.containsKey(b)) {
                list.add(b);
            }
        }
        if (added != null) {
            ExchangeBinding view = view(added.definition());
            list.add(view);
            bindings.put(view, added);
        }
        snapshot = new Snapshot(List.copyOf(list), bindings);
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        ExchangeTypeProvider.Router current = router;
        if (current == null) {
            return;
        }
        Snapshot bound = snapshot;
        try {
            current.route(routingKey, headers::get, bound.list(), matched -> {
                Binding binding = bound.bindings().get(matched);
                if (binding != null) {
                    sink.accept(binding);
                }
            });
        } catch (RuntimeException | LinkageError e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.error("The router of exchange '{}' (type '{}') threw; the message routes nowhere through it. "
                        + "Further failures of this exchange are not logged", name(), definition().type(), e);
            }
        }
    }
}
