package io.wharf.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.plugin.ExchangeBinding;
import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.queue.QueueThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exchange types from plugins: declared, bound, routed, checked, and recovered before their plugin is there. */
@Timeout(30)
class PluginExchangeTypeTest {

    /** Routes through the bindings whose key is a suffix of the routing key; refuses empty keys. */
    private static final ExchangeTypeProvider SUFFIX = new ExchangeTypeProvider() {
        @Override
        public String type() {
            return "x-suffix";
        }

        @Override
        public void checkExchange(Map<String, Object> arguments) {
            if (arguments.containsKey("bad")) {
                throw new IllegalArgumentException("argument 'bad' is not allowed");
            }
        }

        @Override
        public void checkBinding(ExchangeBinding binding) {
            if (binding.bindingKey().isEmpty()) {
                throw new IllegalArgumentException("empty key");
            }
        }

        @Override
        public Router router(String vhost, String exchange, Map<String, Object> arguments) {
            return (key, headers, bindings, matched) -> bindings.stream().filter(b -> key.endsWith(b.bindingKey()))
                    .forEach(matched);
        }
    };

    private final QueueThreads threads = new QueueThreads(1);
    private final QueueRegistry queues = new QueueRegistry(threads, QueueStorage.MEMORY);
    private final ExchangeTypes types = new ExchangeTypes();
    private final Topology topology = new Topology("/", queues, TopologyStore.inMemory(), true, types);

    @AfterEach
    void stop() {
        queues.closeAll().join();
        threads.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static TopologyException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return (TopologyException) e.getCause();
    }

    private MessageQueue queue(String name) throws Exception {
        return await(topology.declareQueue(new QueueDefinition("/", name, "classic", true, false, false, Map.of())))
                .queue();
    }

    private static ExchangeDefinition suffixExchange(String name, Map<String, Object> arguments) {
        return new ExchangeDefinition("/", name, "x-suffix", true, false, false, arguments);
    }

    private List<String> route(String exchange, String key) {
        RoutedQueues out = new RoutedQueues();
        topology.route(topology.exchange(exchange), key, MessageHeaders.NONE, out);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            names.add(out.get(i).name());
        }
        return names;
    }

    @Test
    void unknownTypeIsRefusedUntilAPluginProvidesIt() throws Exception {
        TopologyException unknown = failure(topology.declareExchange(suffixExchange("s", Map.of())));
        assertEquals(TopologyException.Reason.BAD_REQUEST, unknown.reason());
        types.register(SUFFIX);
        assertTrue(await(topology.declareExchange(suffixExchange("s", Map.of()))));
        assertEquals("x-suffix", topology.exchange("s").typeName());
        TopologyException other = failure(topology.declareExchange(new ExchangeDefinition("/", "t", "x-other", true,
                false, false, Map.of())));
        assertTrue(other.getMessage().contains("from plugins x-suffix"), other.getMessage());
    }

    @Test
    void pluginRouterRoutesOverTheBindingsAsTheyChange() throws Exception {
        types.register(SUFFIX);
        await(topology.declareExchange(suffixExchange("s", Map.of())));
        queue("eu");
        queue("all-orders");
        await(topology.bind(new BindingDefinition("/", "s", DestinationKind.QUEUE, "eu", ".eu", Map.of())));
        await(topology.bind(new BindingDefinition("/", "s", DestinationKind.QUEUE, "all-orders", "orders.eu",
                Map.of())));
        assertEquals(List.of("eu", "all-orders"), route("s", "orders.eu"));
        assertEquals(List.of("eu"), route("s", "x.eu"));
        assertEquals(List.of(), route("s", "orders.us"));
        await(topology.unbind(new BindingDefinition("/", "s", DestinationKind.QUEUE, "eu", ".eu", Map.of())));
        assertEquals(List.of("all-orders"), route("s", "orders.eu"));
    }

    @Test
    void pluginChecksArgumentsAndBindings() throws Exception {
        types.register(SUFFIX);
        TopologyException bad = failure(topology.declareExchange(suffixExchange("s", Map.of("bad", 1))));
        assertEquals(TopologyException.Reason.BAD_REQUEST, bad.reason());
        assertTrue(bad.getMessage().contains("argument 'bad'"), bad.getMessage());
        await(topology.declareExchange(suffixExchange("s", Map.of())));
        queue("q");
        TopologyException empty = failure(topology.bind(new BindingDefinition("/", "s", DestinationKind.QUEUE, "q",
                "", Map.of())));
        assertEquals(TopologyException.Reason.BAD_REQUEST, empty.reason());
    }

    @Test
    void recoveredExchangeWaitsForItsTypeThenRoutes() throws Exception {
        queue("eu");
        topology.recover(List.of(suffixExchange("s", Map.of())),
                List.of(new BindingDefinition("/", "s", DestinationKind.QUEUE, "eu", ".eu", Map.of())));
        assertEquals(1, types.waiting().size());
        assertEquals(List.of(), route("s", "orders.eu"), "no router yet: nothing routes");
        types.register(SUFFIX);
        assertEquals(List.of(), types.waiting());
        assertEquals(List.of("eu"), route("s", "orders.eu"));
    }

    @Test
    void builtInNamesAndDuplicatesAreRefused() {
        types.register(SUFFIX);
        assertThrows(IllegalArgumentException.class, () -> types.register(SUFFIX));
        ExchangeTypeProvider direct = new ExchangeTypeProvider() {
            @Override
            public String type() {
                return "direct";
            }

            @Override
            public Router router(String vhost, String exchange, Map<String, Object> arguments) {
                return (key, headers, bindings, matched) -> { };
            }
        };
        assertThrows(IllegalArgumentException.class, () -> types.register(direct));
    }

    @Test
    void routerThatThrowsRoutesNothingAndTheExchangeStaysUsable() throws Exception {
        types.register(new ExchangeTypeProvider() {
            @Override
            public String type() {
                return "x-broken";
            }

            @Override
            public Router router(String vhost, String exchange, Map<String, Object> arguments) {
                return (key, headers, bindings, matched) -> {
                    throw new IllegalStateException("broken on purpose");
                };
            }
        });
        await(topology.declareExchange(new ExchangeDefinition("/", "b", "x-broken", false, false, false, Map.of())));
        queue("q");
        await(topology.bind(new BindingDefinition("/", "b", DestinationKind.QUEUE, "q", "k", Map.of())));
        assertEquals(List.of(), route("b", "k"));
        assertTrue(await(topology.deleteExchange("b")));
    }
}
