package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.util.Arrays;
import java.util.function.Consumer;

/** Routes to every binding; keys are ignored. */
public final class FanoutExchange extends Exchange {

    /** Replaced on change, never changed in place. */
    private volatile Binding[] all = new Binding[0];

    FanoutExchange(ExchangeDefinition definition) {
        super(definition, ExchangeType.FANOUT);
    }

    @Override
    void index(Binding binding) {
        Binding[] current = all;
        Binding[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = binding;
        all = more;
    }

    @Override
    void unindex(Binding binding) {
        all = Arrays.stream(all).filter(b -> !b.equals(binding)).toArray(Binding[]::new);
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        for (Binding b : all) {
            sink.accept(b);
        }
    }
}
