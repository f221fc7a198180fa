package io.wharf.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.meta.MetadataChange;
import io.wharf.store.meta.MetadataStore;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.queue.QueueThreads;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TopologyTest {

    @TempDir
    Path dir;

    private final QueueThreads threads = new QueueThreads(1);
    private QueueRegistry queues = new QueueRegistry(threads, QueueStorage.MEMORY);
    private final ExecutorService metadataThread = Executors.newSingleThreadExecutor();
    private Topology topology = new Topology("/", queues, TopologyStore.inMemory(), true);

    @AfterEach
    void stop() {
        queues.closeAll().join();
        threads.close();
        metadataThread.shutdownNow();
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

    private void exchange(String name, String type, Map<String, Object> arguments) throws Exception {
        assertTrue(await(topology.declareExchange(new ExchangeDefinition("/", name, type, true, false, false,
                arguments))));
    }

    private void bind(String source, String queue, String key) throws Exception {
        bind(source, queue, key, Map.of());
    }

    private void bind(String source, String queue, String key, Map<String, Object> arguments) throws Exception {
        await(topology.bind(new BindingDefinition("/", source, DestinationKind.QUEUE, queue, key, arguments)));
    }

    private void bindExchange(String source, String destination, String key) throws Exception {
        await(topology.bind(new BindingDefinition("/", source, DestinationKind.EXCHANGE, destination, key, null)));
    }

    private Set<String> route(String exchange, String key) {
        return route(exchange, key, Map.of());
    }

    private Set<String> route(String exchange, String key, Map<String, Object> headers) {
        RoutedQueues out = new RoutedQueues();
        topology.route(topology.exchange(exchange), key, headers::get, out);
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < out.size(); i++) {
            assertTrue(names.add(out.get(i).name()), "routed twice to " + out.get(i).name());
        }
        return names;
    }

    @Test
    void predeclaredExchangesExist() {
        for (String name : new String[] {"amq.direct", "amq.fanout", "amq.topic", "amq.headers"}) {
            assertNotNull(topology.exchange(name), name);
        }
        assertNull(topology.exchange(""));
    }

    @Test
    void directFanoutAndTopicRouteEachQueueOnce() throws Exception {
        queue("q1");
        queue("q2");
        bind("amq.direct", "q1", "k");
        bind("amq.direct", "q2", "k");
        bind("amq.direct", "q2", "other");
        assertEquals(Set.of("q1", "q2"), route("amq.direct", "k"));
        assertEquals(Set.of("q2"), route("amq.direct", "other"));
        assertEquals(Set.of(), route("amq.direct", "none"));

        bind("amq.fanout", "q1", "ignored");
        assertEquals(Set.of("q1"), route("amq.fanout", "anything"));

        bind("amq.topic", "q1", "stock.*.nyse");
        bind("amq.topic", "q1", "stock.#");
        bind("amq.topic", "q2", "#.ibm");
        assertEquals(Set.of("q1"), route("amq.topic", "stock.usd.nyse"));
        assertEquals(Set.of("q1", "q2"), route("amq.topic", "stock.ibm"));
        assertEquals(Set.of(), route("amq.topic", "bond.usd"));
    }

    @Test
    void headersMatchAllAnyAndWithX() throws Exception {
        queue("all");
        queue("any");
        queue("allx");
        queue("presence");
        bind("amq.headers", "all", "", Map.of("x-match", "all", "format", "pdf", "type", "report", "x-tag", "t"));
        bind("amq.headers", "any", "", Map.of("x-match", "any", "format", "pdf", "size", 3));
        bind("amq.headers", "allx", "", Map.of("x-match", "all-with-x", "format", "pdf", "x-tag", "t"));
        Map<String, Object> presence = new LinkedHashMap<>();
        presence.put("urgent", null);
        bind("amq.headers", "presence", "", presence);

        assertEquals(Set.of("all", "any"), route("amq.headers", "", Map.of("format", "pdf", "type", "report")));
        assertEquals(Set.of("all", "any", "allx"),
                route("amq.headers", "", Map.of("format", "pdf", "type", "report", "x-tag", "t")));
        // an int property equals a long argument
        assertEquals(Set.of("any"), route("amq.headers", "", Map.of("size", 3)));
        assertEquals(Set.of("presence"), route("amq.headers", "", Map.of("urgent", "yes")));
        assertEquals(Set.of(), route("amq.headers", "", Map.of("format", "doc")));

        TopologyException e = failure(topology.bind(new BindingDefinition("/", "amq.headers",
                DestinationKind.QUEUE, "all", "", Map.of("x-match", "some"))));
        assertEquals(TopologyException.Reason.BAD_REQUEST, e.reason());
        assertTrue(e.getMessage().contains("x-match"), e.getMessage());
    }

    @Test
    void exchangeToExchangeBindingsEndInCyclesAndAlternateExchangesCatchTheUnroutable() throws Exception {
        queue("audit");
        queue("orders");
        queue("lost");
        exchange("front", "direct", Map.of("alternate-exchange", "catch-all"));
        exchange("back", "fanout", Map.of());
        exchange("catch-all", "fanout", Map.of());
        bindExchange("front", "back", "order");
        bindExchange("back", "front", "");           // a cycle
        bind("back", "audit", "");
        bind("front", "orders", "order");
        bind("catch-all", "lost", "");
        assertEquals(Set.of("audit", "orders"), route("front", "order"));
        assertEquals(Set.of("lost"), route("front", "unknown"));
        // the alternate exchange is only for what reached no queue
        assertEquals(Set.of("audit"), route("back", "x"));
    }

    @Test
    void declareChecksEquivalenceNamesAndReservedPrefixes() throws Exception {
        exchange("x", "topic", Map.of());
        assertFalse(await(topology.declareExchange(new ExchangeDefinition("/", "x", "topic", true, false, false,
                null))));
        assertEquals(TopologyException.Reason.PRECONDITION_FAILED, failure(topology.declareExchange(
                new ExchangeDefinition("/", "x", "fanout", true, false, false, null))).reason());
        assertEquals(TopologyException.Reason.ACCESS_REFUSED, failure(topology.declareExchange(
                new ExchangeDefinition("/", "amq.mine", "fanout", true, false, false, null))).reason());
        assertEquals(TopologyException.Reason.ACCESS_REFUSED, failure(topology.declareExchange(
                new ExchangeDefinition("/", "", "fanout", true, false, false, null))).reason());
        // an equivalent redeclare of a predeclared exchange is fine
        assertFalse(await(topology.declareExchange(new ExchangeDefinition("/", "amq.topic", "topic", true, false,
                false, null))));
        TopologyException unknownType = failure(topology.declareExchange(
                new ExchangeDefinition("/", "y", "x-weird", true, false, false, null)));
        assertEquals(TopologyException.Reason.BAD_REQUEST, unknownType.reason());
        assertTrue(unknownType.getMessage().contains("x-weird"));
        assertEquals(TopologyException.Reason.ACCESS_REFUSED, failure(topology.deleteExchange("amq.direct"))
                .reason());

        queue("q");
        assertFalse(await(topology.declareQueue(QueueDefinition.durableClassic("/", "q"))).created());
        assertFalse(await(topology.declareQueue(new QueueDefinition("/", "q", "classic", true, false, false,
                Map.of("x-queue-type", "classic")))).created());
        TopologyException differs = failure(topology.declareQueue(new QueueDefinition("/", "q", "classic", true,
                false, false, Map.of("x-max-length", 5))));
        assertEquals(TopologyException.Reason.PRECONDITION_FAILED, differs.reason());
        assertTrue(differs.getMessage().contains("x-max-length"), differs.getMessage());
        assertEquals(TopologyException.Reason.ACCESS_REFUSED, failure(topology.declareQueue(
                QueueDefinition.durableClassic("/", "amq.q"))).reason());
        assertEquals(TopologyException.Reason.BAD_REQUEST, failure(topology.declareQueue(
                QueueDefinition.durableClassic("/", ""))).reason());
        TopologyException wrongType = failure(topology.declareQueue(new QueueDefinition("/", "r", "classic", true,
                false, false, Map.of("x-max-length", "ten"))));
        assertEquals(TopologyException.Reason.BAD_REQUEST, wrongType.reason());
        assertTrue(wrongType.getMessage().contains("x-max-length"), wrongType.getMessage());
        assertNull(queues.get("r"), "nothing half-created");
    }

    @Test
    void bindingToSomethingMissingIsNotFoundAndCreatesNothing() throws Exception {
        TopologyException e = failure(topology.bind(new BindingDefinition("/", "amq.direct", DestinationKind.QUEUE,
                "missing", "k", null)));
        assertEquals(TopologyException.Reason.NOT_FOUND, e.reason());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        queue("q");
        assertEquals(TopologyException.Reason.NOT_FOUND, failure(topology.bind(new BindingDefinition("/", "nope",
                DestinationKind.QUEUE, "q", "k", null))).reason());
        assertEquals(TopologyException.Reason.ACCESS_REFUSED, failure(topology.bind(new BindingDefinition("/", "",
                DestinationKind.QUEUE, "q", "k", null))).reason());
        assertTrue(topology.exchange("amq.direct").bindings().isEmpty());
    }

    @Test
    void deletingAQueueRemovesItsBindingsAndAutoDeleteExchangesFollow() throws Exception {
        queue("q");
        await(topology.declareExchange(new ExchangeDefinition("/", "temp", "direct", false, true, false, null)));
        bind("temp", "q", "k");
        bind("amq.direct", "q", "k");
        assertEquals(Set.of("q"), route("temp", "k"));
        await(topology.deleteQueue("q"));
        assertEquals(Set.of(), route("amq.direct", "k"));
        assertNull(topology.exchange("temp"), "auto-delete exchange goes with its last binding");
        assertTrue(topology.exchange("amq.direct").bindings().isEmpty());
    }

    @Test
    void aQueueDeletedElsewhereLosesItsBindings() throws Exception {
        MessageQueue temporary = queues.createTemporary();
        bind("amq.fanout", temporary.name(), "");
        assertEquals(Set.of(temporary.name()), route("amq.fanout", ""));
        queues.delete(temporary.name());
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> route("amq.fanout", "").isEmpty());
    }

    @Test
    void unbindRemovesExactlyThatBinding() throws Exception {
        queue("q");
        bind("amq.headers", "q", "", Map.of("a", 1));
        bind("amq.headers", "q", "", Map.of("b", 2));
        assertTrue(await(topology.unbind(new BindingDefinition("/", "amq.headers", DestinationKind.QUEUE, "q", "",
                Map.of("a", 1L)))));
        assertFalse(await(topology.unbind(new BindingDefinition("/", "amq.headers", DestinationKind.QUEUE, "q", "",
                Map.of("a", 1L)))));
        assertEquals(Set.of(), route("amq.headers", "", Map.of("a", 1)));
        assertEquals(Set.of("q"), route("amq.headers", "", Map.of("b", 2)));
    }

    @Test
    void durableTopologyIsStoredAndRecovered() throws Exception {
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            topology = new Topology("/", queues, store(metadata), true);
            queue("kept");
            await(topology.declareQueue(new QueueDefinition("/", "transient", "classic", false, false, false,
                    Map.of())));
            exchange("prices", "topic", Map.of("alternate-exchange", "amq.fanout"));
            await(topology.declareExchange(new ExchangeDefinition("/", "scratch", "fanout", false, false, false,
                    null)));
            bind("prices", "kept", "eu.#");
            bind("prices", "transient", "us.#");
            bindExchange("prices", "amq.direct", "eu.fr");
            bind("amq.direct", "kept", "eu.fr");
            bind("scratch", "kept", "");
            await(topology.submit(() -> null));
            assertEquals(1, metadata.exchanges().size(), "only durable exchanges are stored");
            assertEquals(3, metadata.bindings().size(), "only bindings between durable ends are stored");

            // a restart: fresh registry with the durable queue recovered, fresh topology
            queues.closeAll().join();
            queues = new QueueRegistry(threads, QueueStorage.MEMORY);
            queues.recover(QueueDefinition.durableClassic("/", "kept"));
            topology = new Topology("/", queues, store(metadata), true);
            topology.recover(metadata.exchanges(), metadata.bindings());
            assertEquals(Set.of("kept"), route("prices", "eu.fr"));
            assertEquals(Set.of("kept"), route("prices", "eu.de"));
            assertEquals(Set.of(), route("prices", "us.ny"));
            assertNull(topology.exchange("scratch"));

            await(topology.deleteExchange("prices"));
            await(topology.submit(() -> null));
            assertEquals(0, metadata.exchanges().size());
            assertEquals(1, metadata.bindings().size(), "amq.direct -> kept stays");
        }
    }

    @Test
    void bindingsToVanishedQueuesAreDroppedAtRecovery() throws Exception {
        try (MetadataStore metadata = MetadataStore.open(dir)) {
            metadata.apply(new MetadataChange().putBinding(new BindingDefinition("/", "amq.direct",
                    DestinationKind.QUEUE, "gone", "k", null)));
            topology = new Topology("/", queues, store(metadata), true);
            topology.recover(metadata.exchanges(), metadata.bindings());
            await(topology.submit(() -> null));
            assertTrue(metadata.bindings().isEmpty());
        }
    }

    private TopologyStore store(MetadataStore metadata) {
        return new TopologyStore() {
            @Override
            public Executor executor() {
                return metadataThread;
            }

            @Override
            public void write(MetadataChange change) throws Exception {
                metadata.apply(change);
            }
        };
    }
}
