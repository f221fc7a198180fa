package io.wharf.exchange;

import io.wharf.store.meta.ExchangeDefinition;
import java.util.function.Consumer;

/** Routes by topic pattern ({@code *} one word, {@code #} zero or more) through a {@link TopicTrie}. */
public final class TopicExchange extends Exchange {

    private final TopicTrie<Binding> trie = new TopicTrie<>();

    TopicExchange(ExchangeDefinition definition) {
        super(definition, ExchangeType.TOPIC);
    }

    @Override
    void index(Binding binding) {
        trie.add(binding.routingKey(), binding);
    }

    @Override
    void unindex(Binding binding) {
        trie.remove(binding.routingKey(), binding);
    }

    @Override
    public void match(String routingKey, MessageHeaders headers, Consumer<Binding> sink) {
        trie.match(routingKey, sink);
    }
}
