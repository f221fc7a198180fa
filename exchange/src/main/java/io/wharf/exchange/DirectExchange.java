package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Routes to the bindings whose key equals the routing key: one hash lookup. */
public final class DirectExchange extends Exchange {

    private static final Binding[] NONE = new Binding[0];

    /** Key -> bindings; arrays are replaced, never changed in place. */
    private final ConcurrentHashMap<String, Binding[]> byKey = new ConcurrentHashMap<>();

    DirectExchange(ExchangeDefinition definition) {
        super(definition, ExchangeType.DIRECT);
    }

    @Override
    void index(Binding binding) {
        Binding[] current = byKey.getOrDefault(binding.routingKey(), NONE);
        Binding[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = binding;
        byKey.put(binding.routingKey(), more);
    }

    @Override
    void unindex(Binding binding) {
        Binding[] current = byKey.get(binding.routingKey());
        if (current == null) {
            return;
        }
        Binding[] fewer = Arrays.stream(current).filter(b -> !b.equals(binding)).toArray(Binding[]::new);
        if (fewer.length == 0) {
            byKey.remove(binding.routingKey());
        } else {
            byKey.put(binding.routingKey(), fewer);
        }
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        Binding[] bound = byKey.get(routingKey);
        if (bound != null) {
            for (Binding b : bound) {
                sink.accept(b);
            }
        }
    }
}
